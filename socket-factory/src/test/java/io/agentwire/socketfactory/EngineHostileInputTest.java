package io.agentwire.socketfactory;

import static io.agentwire.socketfactory.EngineContractTest.random;
import static io.agentwire.socketfactory.EnginePair.XX;
import static io.agentwire.socketfactory.EnginePair.assertClosedQuietly;
import static io.agentwire.socketfactory.EnginePair.clientConfig;
import static io.agentwire.socketfactory.EnginePair.serverConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input through an engine: garbage, a real TLS ClientHello, HTTP, impossible lengths, the wrong
 * frame type or version for the phase, truncation, replayed, duplicated, dropped and reordered
 * records, and a bit flip anywhere in any frame. Each ends that engine with a typed {@link
 * SSLException} ({@link EnginePair#typed}), never a runtime exception, a hang or a silent success;
 * afterwards its wrap and unwrap answer {@code CLOSED}; it never delivers a byte it did not
 * authenticate; and a bystander engine pair on the same thread keeps working.
 */
class EngineHostileInputTest {

  private static EnginePair bystander;

  @BeforeAll
  static void startBystander() throws SSLException {
    bystander = EnginePair.standard().handshake();
  }

  /** Whatever the last test did to its engines, another pair on this thread is unaffected. */
  @AfterEach
  void theBystanderStillWorks() throws SSLException {
    byte[] a = random(20000, System.nanoTime());
    assertArrayEquals(a, bystander.transfer(bystander.client, a));
    assertArrayEquals(a, bystander.transfer(bystander.server, a));
  }

  // ------------------------------------------------------------------------------ harness

  /**
   * Gives {@code bytes} to {@code to}'s engine and unwraps what it can; if it has not failed when
   * the bytes run out, the stream ends (closeInbound). Returns the failure, checked to be typed,
   * after checking that nothing was delivered and that the engine is then quietly closed (after
   * handing out a REJECT or ALERT it owes).
   */
  static SSLException rejects(EnginePair.End to, byte[] bytes) {
    int delivered = to.received.size();
    to.enqueue(bytes);
    to.deliver(Integer.MAX_VALUE);
    SSLException failure = null;
    try {
      to.unwrapAll();
    } catch (SSLException e) {
      failure = e;
    }
    if (failure == null) {
      try {
        to.engine.closeInbound();
      } catch (SSLException e) {
        failure = e;
      }
    }
    assertNotNull(failure, to.name + " accepted it silently: " + to.log);
    assertTrue(EnginePair.typed(failure), "not a typed failure: " + failure);
    assertEquals(delivered, to.received.size(), "nothing delivered");
    try {
      SSLEngineResult r = to.wrap(); // a REJECT or ALERT it owes goes out, with CLOSED
      assertEquals(Status.CLOSED, r.getStatus(), r.toString());
      assertClosedQuietly(to.engine);
    } catch (SSLException e) {
      fail("an engine that failed threw again: " + e, e);
    }
    return failure;
  }

  static void assertReason(FailureReason expected, Throwable e) {
    assertEquals(expected, FailureReason.of(e).orElseThrow(), e.toString());
  }

  static EnginePair fresh() {
    return EnginePair.standard();
  }

  static EnginePair established() throws SSLException {
    return EnginePair.standard().handshake();
  }

  /** A client that has sent its hello and waits for the server's answer. */
  static EnginePair clientWaiting() throws SSLException {
    EnginePair p = fresh();
    p.client.wrap();
    p.server.takeInFlight();
    return p;
  }

  static byte[] frame(int type, int major, int minor, int length, int bodyBytes) {
    byte[] f = new byte[5 + bodyBytes];
    f[0] = (byte) type;
    f[1] = (byte) major;
    f[2] = (byte) minor;
    f[3] = (byte) (length >>> 8);
    f[4] = (byte) length;
    for (int i = 5; i < f.length; i++) {
      f[i] = (byte) (i * 31);
    }
    return f;
  }

  // ------------------------------------------------------------------- other protocols

  @Test
  void garbageIsRejectedInEveryPhase() throws Exception {
    Random rnd = new Random(1);
    for (int i = 0; i < 100; i++) {
      byte[] junk = new byte[5 + rnd.nextInt(400)];
      rnd.nextBytes(junk);
      SSLException e = rejects(fresh().server, junk);
      if (junk[0] != 22) {
        assertReason(FailureReason.NOT_AGENTWIRE, e);
      }
      rejects(clientWaiting().client, junk);
      EnginePair p = established();
      rejects(i % 2 == 0 ? p.server : p.client, junk);
    }
  }

  /** A real TLS ClientHello, the first wrap of the JDK's own client engine. */
  @Test
  void aTlsClientHelloIsNotAgentWire() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, null, null);
    SSLEngine jdk = tls.createSSLEngine("agent.test", 443);
    jdk.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(jdk.getSession().getPacketBufferSize());
    SSLEngineResult r = jdk.wrap(ByteBuffer.allocate(0), out);
    assertTrue(r.bytesProduced() > 0);
    out.flip();
    byte[] hello = EnginePair.bytes(out);
    assertEquals(22, hello[0], "a TLS handshake record");
    assertEquals(3, hello[1]);
    assertReason(FailureReason.NOT_AGENTWIRE, rejects(fresh().server, hello));
    // In pieces as a network delivers it: the header alone is enough to tell.
    EnginePair p = fresh();
    p.server.enqueue(Arrays.copyOf(hello, 3));
    p.server.deliver(3);
    assertEquals(Status.BUFFER_UNDERFLOW, p.server.unwrap().getStatus());
    assertReason(
        FailureReason.NOT_AGENTWIRE, rejects(p.server, Arrays.copyOfRange(hello, 3, hello.length)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET / HTTP/1.1\r\nHost: agent.test\r\n\r\n",
        "POST /v1/agents HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "SSH-2.0-OpenSSH_9.6\r\n"
      })
  void plainTextIsNotAgentWire(String text) {
    assertReason(
        FailureReason.NOT_AGENTWIRE,
        rejects(fresh().server, text.getBytes(StandardCharsets.US_ASCII)));
  }

  // ------------------------------------------------------------------ impossible headers

  @Test
  void lengthsOutsideOneTo16640AreRejectedAtTheHeader() throws Exception {
    for (int length : new int[] {0, 16641, 0xffff}) {
      assertReason(FailureReason.MALFORMED, rejects(fresh().server, frame(22, 3, 3, length, 0)));
      assertReason(
          FailureReason.MALFORMED, rejects(clientWaiting().client, frame(22, 3, 3, length, 0)));
      EnginePair p = established();
      assertReason(FailureReason.MALFORMED, rejects(p.server, frame(23, 3, 3, length, 0)));
      assertReason(FailureReason.MALFORMED, rejects(p.client, frame(23, 3, 3, length, 0)));
    }
    // 16640 is a legal length: the engine waits for the body, and a short stream is a truncation.
    EnginePair p = established();
    p.server.enqueue(frame(23, 3, 3, 16640, 100));
    p.server.deliver(Integer.MAX_VALUE);
    assertEquals(Status.BUFFER_UNDERFLOW, p.server.unwrap().getStatus());
    assertReason(FailureReason.TRUNCATED, rejects(p.server, new byte[0]));
  }

  /** Handshake frames are type 22 and transport frames 23, all version 3.3. */
  @Test
  void theWrongTypeOrVersionForThePhaseIsRejected() throws Exception {
    // A transport frame as a client's first frame.
    assertReason(FailureReason.NOT_AGENTWIRE, rejects(fresh().server, frame(23, 3, 3, 40, 40)));
    // The server's real answer with another type or version.
    for (int[] header : new int[][] {{23, 3, 3}, {22, 3, 1}, {22, 3, 4}, {22, 2, 3}, {21, 3, 3}}) {
      EnginePair p = fresh();
      p.client.wrap();
      p.server.deliver(Integer.MAX_VALUE);
      p.server.unwrap();
      p.server.wrap();
      byte[] answer = p.client.takeInFlight();
      answer[0] = (byte) header[0];
      answer[1] = (byte) header[1];
      answer[2] = (byte) header[2];
      assertReason(FailureReason.MALFORMED, rejects(p.client, answer));
    }
    // XX message 3 as a transport frame.
    EnginePair xx = new EnginePair(clientConfig().cipherSuites(XX).build(), serverConfig().build());
    xx.client.wrap();
    xx.server.deliver(Integer.MAX_VALUE);
    xx.server.unwrap();
    xx.server.wrap();
    xx.client.deliver(Integer.MAX_VALUE);
    xx.client.unwrap();
    xx.client.wrap();
    byte[] third = xx.server.takeInFlight();
    third[0] = 23;
    assertReason(FailureReason.MALFORMED, rejects(xx.server, third));
    // Transport records with a handshake type or another version.
    for (int[] header : new int[][] {{22, 3, 3}, {23, 3, 1}, {23, 3, 4}, {23, 0, 3}, {24, 3, 3}}) {
      EnginePair p = established();
      byte[] rec = p.wrapAlone(p.client, random(100, header[0] + header[2]));
      rec[0] = (byte) header[0];
      rec[1] = (byte) header[1];
      rec[2] = (byte) header[2];
      SSLException e = rejects(p.server, rec);
      assertReason(FailureReason.MALFORMED, e);
      assertTrue(e instanceof AgentProtocolException, e.toString());
    }
  }

  // ------------------------------------------------------------------------ truncation

  @Test
  void aStreamThatEndsInsideAFrameIsATruncation() throws Exception {
    // During the handshake: part of the hello, then the end.
    EnginePair p = fresh();
    p.client.wrap();
    byte[] hello = p.server.takeInFlight();
    for (int cut : new int[] {1, 4, 5, hello.length - 1}) {
      assertReason(FailureReason.TRUNCATED, rejects(fresh().server, Arrays.copyOf(hello, cut)));
    }
    // In transport: part of a record, or a whole one and no CLOSE.
    EnginePair q = established();
    byte[] rec = q.wrapAlone(q.client, random(3000, 7));
    assertReason(FailureReason.TRUNCATED, rejects(q.server, Arrays.copyOf(rec, 2000)));
    EnginePair w = established();
    byte[] data = random(3000, 8);
    assertArrayEquals(data, w.transfer(w.client, data));
    assertReason(FailureReason.TRUNCATED, rejects(w.server, new byte[0]));
  }

  // --------------------------------------------------------- replays, drops and reordering

  /** Records replayed, duplicated, dropped or reordered fail authentication where they start. */
  @Test
  void recordsOutOfSequenceFailAuthentication() throws Exception {
    String[] cases = {"replayed", "duplicated", "dropped", "reordered", "another connection's"};
    for (String how : cases) {
      EnginePair p = established();
      byte[][] data = {random(500, 1), random(600, 2), random(700, 3)};
      byte[][] f = new byte[3][];
      for (int i = 0; i < 3; i++) {
        f[i] = p.wrapAlone(p.client, data[i]);
      }
      List<byte[]> good = new ArrayList<>();
      byte[] bad;
      switch (how) {
        case "replayed":
          good.add(f[0]);
          good.add(f[1]);
          bad = f[0];
          break;
        case "duplicated":
          good.add(f[0]);
          bad = f[0];
          break;
        case "dropped":
          good.add(f[0]);
          bad = f[2];
          break;
        case "reordered":
          bad = f[1];
          break;
        default:
          EnginePair other = established();
          good.add(f[0]);
          bad = other.wrapAlone(other.client, data[1]);
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (byte[] g : good) {
        p.server.enqueue(g);
        p.server.deliver(Integer.MAX_VALUE);
        assertEquals(Status.OK, p.server.unwrap().getStatus());
      }
      for (int i = 0; i < good.size(); i++) {
        byte[] d = good.get(i) == f[0] ? data[0] : data[1];
        expected.write(d, 0, d.length);
      }
      assertArrayEquals(expected.toByteArray(), p.server.received.toByteArray(), how);
      SSLException e = rejects(p.server, bad);
      assertReason(FailureReason.AUTHENTICATION_FAILED, e);
      assertArrayEquals(expected.toByteArray(), p.server.received.toByteArray(), how);
    }
  }

  /** Handshake messages replayed into a new handshake, or repeated within one, are refused. */
  @Test
  void replayedHandshakeMessagesAreRefused() throws Exception {
    // A recorded XX client flight (hello and message 3), replayed to a fresh server.
    EnginePair rec =
        new EnginePair(clientConfig().cipherSuites(XX).build(), serverConfig().build());
    List<byte[]> flight = new ArrayList<>();
    rec.wire =
        (fromClient, offset, b) -> {
          if (fromClient) {
            flight.add(b.clone());
          }
        };
    rec.handshake();
    EnginePair victim = fresh();
    victim.server.enqueue(flight.get(0));
    victim.server.deliver(Integer.MAX_VALUE);
    assertEquals(Status.OK, victim.server.unwrap().getStatus(), "a hello alone proves nothing");
    victim.server.wrap();
    SSLException e = rejects(victim.server, flight.get(1));
    assertReason(FailureReason.AUTHENTICATION_FAILED, e);

    // The hello twice.
    EnginePair p = new EnginePair(clientConfig().cipherSuites(XX).build(), serverConfig().build());
    p.client.wrap();
    byte[] hello = p.server.takeInFlight();
    p.server.enqueue(hello);
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap();
    p.server.wrap();
    rejects(p.server, hello);
  }

  // -------------------------------------------------------------------------- bit flips

  private static final byte[] PING = "ping from the client".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PONG = "pong from the server".getBytes(StandardCharsets.US_ASCII);

  /** The bytes of each direction of a whole conversation, recorded from a clean run. */
  private static long[] streamLengths(Supplier<EnginePair> pairs, byte[] c2s, byte[] s2c)
      throws SSLException {
    EnginePair p = pairs.get();
    long[] n = new long[2];
    p.wire = (fromClient, offset, b) -> n[fromClient ? 0 : 1] += b.length;
    p.client.send(c2s);
    p.server.send(s2c);
    p.client.closeAfterSending = true;
    p.server.closeAfterSending = true;
    p.handshake();
    assertArrayEquals(c2s, p.server.received.toByteArray());
    assertArrayEquals(s2c, p.client.received.toByteArray());
    assertTrue(p.client.engine.isInboundDone() && p.server.engine.isInboundDone());
    return n;
  }

  /**
   * XX, every bit of both directions: hello, message 2, message 3, a record each way and both
   * CLOSEs, headers and bodies.
   */
  @Test
  void everySingleBitFlipOfAnXxConversationIsRejected() throws Exception {
    Supplier<EnginePair> pairs =
        () -> new EnginePair(clientConfig().cipherSuites(XX).build(), serverConfig().build());
    long[] lengths = streamLengths(pairs, PING, PONG);
    assertTrue(lengths[0] < 400 && lengths[1] < 400, "small frames: " + Arrays.toString(lengths));
    for (int dir = 0; dir < 2; dir++) {
      for (long bit = 0; bit < 8 * lengths[dir]; bit++) {
        assertNotNull(EnginePair.assertFlipRejected(pairs, dir == 0, bit, PING, PONG));
      }
    }
  }

  /**
   * IK with padding and a rekeying policy, and records as large as they get: every header bit of
   * the stream's first frames, and a sample of 600 bits anywhere.
   */
  @Test
  void sampledBitFlipsOfLargeRecordsAreRejected() throws Exception {
    Supplier<EnginePair> pairs =
        () ->
            new EnginePair(
                clientConfig().padding(64).rekeyPolicy(RekeyPolicy.FREQUENT).build(),
                serverConfig().padding(1000).build());
    byte[] big = random(60_000, 11);
    byte[] reply = random(33_000, 12);
    long[] lengths = streamLengths(pairs, big, reply);
    Random rnd = new Random(13);
    for (long bit = 0; bit < 8 * 5; bit++) {
      EnginePair.assertFlipRejected(pairs, true, bit, big, reply);
      EnginePair.assertFlipRejected(pairs, false, bit, big, reply);
    }
    for (int i = 0; i < 600; i++) {
      boolean dir = rnd.nextBoolean();
      long bit = (long) (rnd.nextDouble() * 8 * lengths[dir ? 0 : 1]);
      assertNotNull(EnginePair.assertFlipRejected(pairs, dir, bit, big, reply));
    }
  }
}
