package io.agentwire.socketfactory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.AgentSocketImpl;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The frequently rekeying socket ({@link RekeyPolicy#FREQUENT}) over real loopback connections:
 * data stays intact in both directions through many DH steps, a peer with another policy
 * interoperates in either role, and an application that only writes still completes the steps it
 * starts.
 */
class FrequentRekeySocketTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "ratchet-test");
            t.setDaemon(true);
            return t;
          });
  private static final int MESSAGES = 5000;
  private static final int WINDOW = 32;

  @AfterAll
  static void shutdown() {
    POOL.shutdownNow();
  }

  private static AgentSocketConfig config(AgentIdentity id, RekeyPolicy policy) {
    return AgentSocketConfig.builder()
        .identity(id)
        .peerVerifier(PeerVerifier.anyPeer())
        .rekeyPolicy(policy)
        .build();
  }

  private static RekeyPolicy policy(String name) {
    return switch (name) {
      case "FREQUENT" -> RekeyPolicy.FREQUENT;
      case "DEFAULT" -> RekeyPolicy.DEFAULT;
      case "NEVER" -> RekeyPolicy.NEVER;
      default -> throw new IllegalArgumentException(name);
    };
  }

  /**
   * The client writes {@value #MESSAGES} messages of random sizes from one thread, at most {@value
   * #WINDOW} ahead of the echo it reads on another; the server echoes every chunk it reads, so both
   * sides send about {@value #MESSAGES} records and a ratcheting side starts a DH step every 1024
   * of them.
   */
  @ParameterizedTest(name = "client {0}, server {1}")
  @CsvSource({"FREQUENT, FREQUENT", "FREQUENT, DEFAULT", "DEFAULT, FREQUENT", "FREQUENT, NEVER"})
  @Timeout(value = 60, unit = SECONDS)
  void echoesManyMessagesThroughManyDhSteps(String clientPolicy, String serverPolicy)
      throws Exception {
    try (ServerSocket listener =
        new AgentServerSocketFactory(config(SERVER_ID, policy(serverPolicy)))
            .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Future<AgentSocketImpl> server =
          POOL.submit(
              () -> {
                AgentSocketImpl s = (AgentSocketImpl) listener.accept();
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) >= 0; ) {
                  out.write(buf, 0, n);
                }
                s.shutdownOutput();
                return s;
              });
      try (AgentSocketImpl client =
          (AgentSocketImpl)
              new AgentSocketFactory(config(CLIENT_ID, policy(clientPolicy)))
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        client.setSoTimeout(30_000);
        // At most WINDOW messages unanswered, as a protocol with replies would have: a DH step's
        // reply then arrives within a few records instead of behind megabytes of queued echo.
        Semaphore window = new Semaphore(WINDOW);
        Queue<Long> ends = new ConcurrentLinkedQueue<>();
        Future<Long> writer =
            POOL.submit(
                () -> {
                  OutputStream out = client.getOutputStream();
                  Random sizes = new Random(1);
                  long pos = 0;
                  byte[] buf = new byte[4000];
                  for (int m = 0; m < MESSAGES; m++) {
                    int n = 1 + sizes.nextInt(buf.length);
                    for (int i = 0; i < n; i++) {
                      buf[i] = streamByte(pos + i);
                    }
                    if (!window.tryAcquire(30, SECONDS)) {
                      throw new AssertionError("no echo for 30 s");
                    }
                    ends.add(pos + n);
                    out.write(buf, 0, n);
                    pos += n;
                  }
                  client.shutdownOutput();
                  return pos;
                });
        InputStream in = client.getInputStream();
        byte[] buf = new byte[65536];
        long pos = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
          for (int i = 0; i < n; i++) {
            if (buf[i] != streamByte(pos + i)) {
              throw new AssertionError("wrong byte at " + (pos + i));
            }
          }
          pos += n;
          for (Long end; (end = ends.peek()) != null && end <= pos; ends.poll()) {
            window.release();
          }
        }
        assertEquals(writer.get(30, SECONDS), pos, "the whole echo");
        AgentSocketImpl s = server.get(30, SECONDS);
        // Each ratcheting side starts a step every 1024 of its ~5000 records; the other side
        // answers them. Both count every step they took part in.
        assertTrue(
            client.dhStepsCompleted() >= 3,
            "client completed " + client.dhStepsCompleted() + " DH steps");
        assertTrue(
            s.dhStepsCompleted() >= 3, "server completed " + s.dhStepsCompleted() + " DH steps");
        s.close();
      }
    }
  }

  /**
   * An application that only writes never reads the peer's KEY_SHARE_REPLY itself; the writer picks
   * it up from input that has already arrived, so the client's own sending key heals too.
   */
  @Test
  @Timeout(value = 60, unit = SECONDS)
  void aClientThatOnlyWritesStillCompletesItsDhSteps() throws Exception {
    try (ServerSocket listener =
        new AgentServerSocketFactory(config(SERVER_ID, RekeyPolicy.DEFAULT))
            .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Future<Long> sink =
          POOL.submit(
              () -> {
                try (AgentSocketImpl s = (AgentSocketImpl) listener.accept()) {
                  s.setSoTimeout(30_000);
                  InputStream in = s.getInputStream();
                  byte[] buf = new byte[65536];
                  long total = 0;
                  for (int n; (n = in.read(buf)) >= 0; ) {
                    total += n;
                  }
                  return total;
                }
              });
      long steps;
      long written;
      try (AgentSocketImpl client =
          (AgentSocketImpl)
              new AgentSocketFactory(config(CLIENT_ID, RekeyPolicy.FREQUENT))
                  .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        OutputStream out = client.getOutputStream();
        byte[] message = new byte[1000];
        for (int m = 0; m < MESSAGES; m++) {
          out.write(message);
        }
        // The reply to the last step started may still be in flight when the last message is
        // written (the writes can all fit in the socket buffers first): each further write picks
        // up whatever has arrived by then, so write a byte at a time until it has.
        long extra = 0;
        long deadline = System.nanoTime() + SECONDS.toNanos(30);
        while (client.dhStepsCompleted() < 4 && System.nanoTime() < deadline) {
          Thread.sleep(1);
          out.write(message, 0, 1);
          extra++;
        }
        steps = client.dhStepsCompleted();
        client.shutdownOutput();
        written = 1000L * MESSAGES + extra;
      }
      assertEquals(written, sink.get(30, SECONDS));
      assertTrue(steps >= 4, "a write-only client completed " + steps + " of its 4 DH steps");
    }
  }

  @Test
  void policyArgumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> RekeyPolicy.of(0, 1, null));
    assertThrows(IllegalArgumentException.class, () -> RekeyPolicy.of(1, 0, null));
    assertThrows(IllegalArgumentException.class, () -> RekeyPolicy.of(1, 1, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> RekeyPolicy.of(1, 1, Duration.ofSeconds(-1)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RekeyPolicy.DEFAULT.withDhEveryMessages(0));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());

    RekeyPolicy p = RekeyPolicy.of(16, 1 << 20, null).withDhEveryMessages(100);
    assertEquals(16, p.messages());
    assertEquals(100, p.dhMessages());
    assertEquals(null, p.dhInterval());
    assertEquals(Long.MAX_VALUE, RekeyPolicy.DEFAULT.dhMessages());
    assertEquals(16, RekeyPolicy.FREQUENT.messages());
    assertEquals(256 * 1024, RekeyPolicy.FREQUENT.bytes());
    assertEquals(1024, RekeyPolicy.FREQUENT.dhMessages());
    assertEquals(Duration.ofSeconds(60), RekeyPolicy.FREQUENT.dhInterval());
    assertFalse(RekeyPolicy.NEVER.rekeys());
  }

  @Test
  void rawModeRefusesAPolicyItCannotApply() {
    AgentSocketConfig.Builder raw =
        AgentSocketConfig.builder()
            .identity(CLIENT_ID)
            .peerVerifier(PeerVerifier.anyPeer())
            .raw("Noise_NN_25519_ChaChaPoly_BLAKE2s", null)
            .anonymousPeers(true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> raw.rekeyPolicy(RekeyPolicy.FREQUENT).build(),
            "raw mode has no records to ratchet with");
    assertTrue(e.getMessage().contains("raw mode"), e.getMessage());
    raw.rekeyPolicy(RekeyPolicy.NEVER).build(); // says what raw mode does anyway
  }

  private static byte streamByte(long pos) {
    long x = pos * 0x9E3779B97F4A7C15L;
    return (byte) (x ^ (x >>> 29) ^ (x >>> 43));
  }
}
