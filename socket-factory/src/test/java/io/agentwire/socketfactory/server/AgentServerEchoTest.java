package io.agentwire.socketfactory.server;

import static io.agentwire.socketfactory.server.ServerFixtures.CLIENT;
import static io.agentwire.socketfactory.server.ServerFixtures.CLIENT_CONFIG;
import static io.agentwire.socketfactory.server.ServerFixtures.SERVER_CONFIG;
import static io.agentwire.socketfactory.server.ServerFixtures.await;
import static io.agentwire.socketfactory.server.ServerFixtures.client;
import static io.agentwire.socketfactory.server.ServerFixtures.echoOnce;
import static io.agentwire.socketfactory.server.ServerFixtures.echoServer;
import static io.agentwire.socketfactory.server.ServerFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.TestThreads;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo through AgentServer with AgentWire client sockets: one, many in turn, many at once. */
@Timeout(120)
class AgentServerEchoTest {

  @Test
  void echoesForOneClient() throws Exception {
    try (AgentServer server = echoServer().build().start()) {
      assertEquals("hello agent", echoOnce(server, "hello agent"));
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      AgentServer.Stats s = server.stats();
      assertEquals(1, s.handshakesCompleted(), s.toString());
      assertEquals(0, s.handshakesFailed(), s.toString());
      assertEquals(0, s.connectionFailures(), s.toString());
    }
  }

  @Test
  void echoesForManySequentialClients() throws Exception {
    try (AgentServer server = echoServer().build().start()) {
      for (int i = 0; i < 200; i++) {
        assertEquals("client " + i, echoOnce(server, "client " + i));
      }
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      assertEquals(200, server.stats().handshakesCompleted());
      assertEquals(0, server.stats().handshakesFailed(), server.stats().toString());
    }
  }

  @Test
  void echoesLargeAndSmallPayloadsForManyConcurrentClients() throws Exception {
    ExecutorService pool = TestThreads.daemonPool("echo-client");
    try (AgentServer server = echoServer().build().start()) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 12; i++) {
                    byte[] payload = new byte[1 + random.nextInt(200_000)];
                    random.nextBytes(payload);
                    try (SSLSocket s = client(server)) {
                      // Write and read at once: the payload is larger than the socket buffers.
                      CompletableFuture<Void> writer =
                          CompletableFuture.runAsync(
                              () -> {
                                try {
                                  s.getOutputStream().write(payload);
                                  s.getOutputStream().flush();
                                  s.shutdownOutput();
                                } catch (Exception e) {
                                  throw new RuntimeException(e);
                                }
                              },
                              pool);
                      byte[] echoed = readAll(s.getInputStream());
                      writer.get(30, TimeUnit.SECONDS);
                      assertArrayEquals(payload, echoed);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : results) {
        f.get(100, TimeUnit.SECONDS);
      }
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      AgentServer.Stats s = server.stats();
      assertEquals(16 * 12, s.handshakesCompleted(), s.toString());
      assertEquals(0, s.handshakesFailed(), s.toString());
      assertEquals(0, s.connectionFailures(), s.toString());
      assertEquals(0, s.queuedBytes(), s.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void paddedRecordsOfManyEnginesOnOneThreadStayApart() throws Exception {
    // Every engine of the server runs on its one thread, sharing the engine's per-thread scratch:
    // interleaved records of many connections, padded so a record's size says little, must each
    // reach their own connection intact.
    AgentSocketConfig padded = SERVER_CONFIG.toBuilder().padding(1000).build();
    ExecutorService pool = TestThreads.daemonPool("padded-client");
    try (AgentServer server =
        AgentServer.builder(padded).handler(ServerFixtures.ECHO).build().start()) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = 100 + t;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  try (SSLSocket s = client(server)) {
                    for (int i = 0; i < 50; i++) {
                      byte[] payload = new byte[1 + random.nextInt(3000)];
                      random.nextBytes(payload);
                      s.getOutputStream().write(payload);
                      s.getOutputStream().flush();
                      assertArrayEquals(payload, s.getInputStream().readNBytes(payload.length));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : results) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rawNoiseEchoesToo() throws Exception {
    String protocol = "Noise_XX_25519_ChaChaPoly_SHA256";
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(ServerFixtures.SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .raw(protocol, new byte[] {1, 2})
            .build();
    AgentSocketConfig client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.anyPeer())
            .raw(protocol, new byte[] {1, 2})
            .build();
    try (AgentServer s = AgentServer.builder(server).handler(ServerFixtures.ECHO).build().start()) {
      for (int i = 0; i < 3; i++) {
        byte[] payload = new byte[70_000 * (i + 1)];
        new Random(i).nextBytes(payload);
        try (SSLSocket c = client(s, client)) {
          CompletableFuture<Void> writer =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      c.getOutputStream().write(payload);
                      c.getOutputStream().flush();
                      c.shutdownOutput(); // raw mode: the end of stream is the end
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
          assertArrayEquals(payload, readAll(c.getInputStream()));
          writer.get(30, TimeUnit.SECONDS);
          assertEquals("Noise", c.getSession().getProtocol());
        }
      }
      assertTrue(await(Duration.ofSeconds(5), () -> s.openConnections() == 0));
      assertEquals(0, s.stats().connectionFailures(), s.stats().toString());
    }
  }

  @Test
  void theConnectionCarriesTheVerifiedPeerAndTheAgreedApplicationProtocol() throws Exception {
    CompletableFuture<AgentConnection> opened = new CompletableFuture<>();
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .configureEngine(
                e -> {
                  SSLParameters p = e.getSSLParameters();
                  p.setApplicationProtocols(new String[] {"agent/2", "agent/1"});
                  e.setSSLParameters(p);
                })
            .handler(
                new ConnectionHandler() {
                  @Override
                  public void onOpen(AgentConnection c) {
                    opened.complete(c);
                  }

                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {
                    c.write(data);
                  }
                })
            .build()
            .start()) {
      try (SSLSocket s = client(server, CLIENT_CONFIG)) {
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"agent/1"});
        s.setSSLParameters(p);
        s.startHandshake();
        AgentConnection c = opened.get(10, TimeUnit.SECONDS);
        assertEquals("agent/1", c.applicationProtocol());
        assertEquals("agent/1", s.getApplicationProtocol());
        AgentSession session = (AgentSession) c.session();
        AgentPrincipal peer = session.peer().orElseThrow();
        assertArrayEquals(CLIENT.publicKey().getEncoded(), peer.publicKey().getEncoded());
        assertEquals(s.getSession().getCipherSuite(), session.getCipherSuite());
        assertTrue(c.handshakeDuration().compareTo(Duration.ZERO) > 0);
        assertEquals(
            s.getLocalPort(), c.remoteAddress().getPort(), "the remote address is the client's");
      }
    }
  }

  @Test
  void otherThreadsMayWriteAndClose() throws Exception {
    ExecutorService worker = TestThreads.daemonPool("slow-work");
    try (AgentServer server =
        AgentServer.builder(SERVER_CONFIG)
            .handler(
                new ConnectionHandler() {
                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {
                    String text = java.nio.charset.StandardCharsets.UTF_8.decode(data).toString();
                    // Slow work off the selector thread, answered from there.
                    worker.execute(
                        () -> {
                          c.write(
                              ByteBuffer.wrap(
                                  ("worked on " + text)
                                      .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                          c.close();
                        });
                  }

                  @Override
                  public void onInputClosed(AgentConnection c) {}
                })
            .build()
            .start()) {
      try (SSLSocket s = client(server)) {
        s.getOutputStream().write("job".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        assertEquals(
            "worked on job",
            new String(readAll(s.getInputStream()), java.nio.charset.StandardCharsets.UTF_8));
      }
    } finally {
      worker.shutdownNow();
    }
  }
}
