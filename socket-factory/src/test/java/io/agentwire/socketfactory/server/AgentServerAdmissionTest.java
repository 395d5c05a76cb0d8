package io.agentwire.socketfactory.server;

import static io.agentwire.socketfactory.server.ServerFixtures.CLIENT;
import static io.agentwire.socketfactory.server.ServerFixtures.SERVER;
import static io.agentwire.socketfactory.server.ServerFixtures.address;
import static io.agentwire.socketfactory.server.ServerFixtures.await;
import static io.agentwire.socketfactory.server.ServerFixtures.client;
import static io.agentwire.socketfactory.server.ServerFixtures.echoOnce;
import static io.agentwire.socketfactory.server.ServerFixtures.echoServer;
import static io.agentwire.socketfactory.server.ServerFixtures.timedEcho;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts, hostile first bytes, handshake slots and the connection limit. */
@Timeout(120)
class AgentServerAdmissionTest {

  /** A plain TCP connection to the server, with a read timeout. */
  private static Socket raw(AgentServer server) throws IOException {
    Socket s = new Socket();
    s.connect(address(server), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until the server closes; fails if it does not within the socket's timeout. */
  private static void assertClosedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // whatever the server said before closing (a REJECT, say)
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection", e);
    } catch (IOException reset) {
      // closed with unread input: a reset is a close too
    }
  }

  /** The first frame a client engine sends: an XX hello when the server's key is unknown. */
  static byte[] hello(AgentSocketConfig clientConfig) throws SSLException {
    SSLEngine e = AgentWireJsseProvider.newContext(clientConfig).createSSLEngine("127.0.0.1", 1);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    e.setSSLParameters(p);
    ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  static final AgentSocketConfig XX_CLIENT =
      AgentSocketConfig.builder().identity(CLIENT).peerVerifier(PeerVerifier.anyPeer()).build();

  @Test
  void theHandshakeTimeoutReapsSilentAndTricklingConnectionsWhileClientsGetIn() throws Exception {
    try (AgentServer server =
        echoServer().handshakeTimeout(Duration.ofMillis(600)).build().start()) {
      long t0 = System.nanoTime();
      try (Socket silent = raw(server);
          Socket loris = raw(server)) {
        OutputStream trickle = loris.getOutputStream();
        byte[] looksLikeAHello = hello(XX_CLIENT);
        assertTrue(await(Duration.ofSeconds(5), () -> server.handshakesInProgress() == 2));
        // Meanwhile a real client connects and echoes.
        assertEquals("through", echoOnce(server, "through"));
        try {
          for (int i = 0; i < 10; i++) {
            trickle.write(looksLikeAHello[i]);
            trickle.flush();
            Thread.sleep(100);
          }
        } catch (IOException closed) {
          // the server may reap it while we trickle
        }
        assertClosedByServer(silent);
        assertClosedByServer(loris);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 550 && ms < 5000, "reaped after " + ms + " ms");
      }
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      AgentServer.Stats s = server.stats();
      assertEquals(2, s.failures(FailureReason.HANDSHAKE_TIMEOUT), s.toString());
      assertEquals(1, s.handshakesCompleted(), s.toString());
      assertEquals(0, s.handshakeSlotsInUse(), s.toString());
    }
  }

  @Test
  void garbageTlsHttpAndVersionOneClientsAreClosedWithTheirReasonWhileAClientWorks()
      throws Exception {
    List<Throwable> failed = new ArrayList<>();
    try (AgentServer server =
        AgentServer.builder(ServerFixtures.SERVER_CONFIG)
            .handler(
                new ConnectionHandler() {
                  @Override
                  public void onData(AgentConnection c, ByteBuffer data) {
                    c.write(data);
                  }

                  @Override
                  public void onHandshakeFailed(java.net.InetSocketAddress remote, Throwable e) {
                    synchronized (failed) {
                      failed.add(e);
                    }
                  }
                })
            .build()
            .start()) {
      // HTTP, which fails on its first bytes although its "length" would be 8239 bytes.
      try (Socket http = raw(server)) {
        http.getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertClosedByServer(http);
      }
      // Garbage.
      try (Socket garbage = raw(server)) {
        garbage.getOutputStream().write(new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        assertClosedByServer(garbage);
      }
      // AgentWire version 1.
      try (Socket v1 = raw(server)) {
        v1.getOutputStream().write(new byte[] {0, 40, 'A', 'W', 1, 0, 9}); // u16 length, 'AW', 1
        assertClosedByServer(v1);
      }
      // A real TLS client (SunJSSE), whose ClientHello is a TLS record.
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, null, null);
      try (SSLSocket t =
          (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.port())) {
        t.setSoTimeout(10_000);
        assertThrows(IOException.class, t::startHandshake);
      }
      // A client with a key the server does not accept.
      AgentSocketConfig stranger =
          AgentSocketConfig.builder()
              .identity(AgentIdentity.generate())
              .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
              .build();
      try (SSLSocket s = client(server, stranger)) {
        assertThrows(IOException.class, s::startHandshake);
      }
      // And through it all, a real client.
      assertEquals("still here", echoOnce(server, "still here"));
      assertTrue(await(Duration.ofSeconds(5), () -> server.stats().handshakesFailed() == 5));
      AgentServer.Stats s = server.stats();
      assertEquals(3, s.failures(FailureReason.NOT_AGENTWIRE), s.toString());
      assertEquals(1, s.failures(FailureReason.UNSUPPORTED_VERSION), s.toString());
      assertEquals(1, s.failures(FailureReason.PEER_UNVERIFIED), s.toString());
      assertEquals(1, s.handshakesCompleted(), s.toString());
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      synchronized (failed) {
        assertEquals(5, failed.size(), failed.toString());
        assertTrue(
            failed.stream().anyMatch(e -> e.getMessage().contains("plain text (HTTP?)")),
            failed.toString());
        assertTrue(
            failed.stream().anyMatch(e -> e.getMessage().contains("speaks TLS")),
            failed.toString());
      }
    }
  }

  @Test
  void aStalledHandshakeGivesItsSlotUpOnlyWhenAnotherConnectionWaits() throws Exception {
    try (AgentServer server =
        echoServer()
            .maxConcurrentHandshakes(1)
            .handshakeStallTimeout(Duration.ofMillis(300))
            .handshakeTimeout(Duration.ofSeconds(20))
            .build()
            .start()) {
      try (Socket staller = raw(server)) {
        // A valid XX hello, then silence: the server answers and waits for message 3.
        staller.getOutputStream().write(hello(XX_CLIENT));
        assertTrue(await(Duration.ofSeconds(5), () -> server.stats().handshakeSlotsInUse() == 1));
        Thread.sleep(600);
        assertEquals(1, server.stats().handshakeSlotsInUse(), "nobody waits: the holder stays");
        Duration t = timedEcho(server);
        assertTrue(t.toMillis() < 3000, "the waiting client got the slot in " + t);
        assertClosedByServer(staller);
      }
      AgentServer.Stats s = server.stats();
      assertEquals(1, s.evictedStalled(), s.toString());
      assertEquals(1, s.handshakesCompleted(), s.toString());
    }
  }

  @Test
  void silentConnectionsTakeNoHandshakeSlot() throws Exception {
    try (AgentServer server = echoServer().maxConcurrentHandshakes(1).build().start()) {
      List<Socket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          silent.add(raw(server));
        }
        assertTrue(await(Duration.ofSeconds(5), () -> server.handshakesInProgress() == 50));
        assertEquals(0, server.stats().handshakeSlotsInUse());
        for (int i = 0; i < 5; i++) {
          Duration t = timedEcho(server);
          assertTrue(t.toMillis() < 1000, "connect and echo took " + t);
        }
        assertEquals(0, server.stats().evictedStalled());
      } finally {
        for (Socket s : silent) {
          s.close();
        }
      }
    }
  }

  @Test
  void beyondMaxConnectionsTheOldestHandshakeMakesRoomAndEstablishedOnesAreKept() throws Exception {
    try (AgentServer server = echoServer().maxConnections(3).build().start()) {
      try (Socket oldest = raw(server)) {
        Thread.sleep(20);
        try (Socket second = raw(server);
            Socket third = raw(server)) {
          assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 3));
          // A fourth, legitimate, client: the oldest silent connection is closed for it.
          assertEquals("made room", echoOnce(server, "made room"));
          assertClosedByServer(oldest);
          assertEquals(1, server.stats().evictedForCapacity(), server.stats().toString());
          assertTrue(second.isConnected() && third.isConnected());
        }
      }
      assertTrue(await(Duration.ofSeconds(5), () -> server.openConnections() == 0));
      // Three established connections fill the server: a fourth connection is refused.
      List<SSLSocket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          SSLSocket s = client(server);
          s.startHandshake();
          held.add(s);
        }
        assertTrue(
            await(Duration.ofSeconds(5), () -> server.stats().established() == 3),
            server.stats().toString());
        try (Socket refused = raw(server)) {
          assertClosedByServer(refused);
        }
        assertEquals(1, server.rejectedForCapacity());
        // The established ones still work.
        for (SSLSocket s : held) {
          s.getOutputStream().write(7);
          s.getOutputStream().flush();
          assertEquals(7, s.getInputStream().read());
        }
      } finally {
        for (SSLSocket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void aPartialFrameCostsOnlyItsBytesAndAWholeOneIsNeededForAnEngine() throws Exception {
    aPartialFrameCostsOnlyItsBytes(ServerFixtures.SERVER_CONFIG);
    // Sessions labelled TLSv1.3 (for OkHttp and Jetty) still frame as AgentWire.
    aPartialFrameCostsOnlyItsBytes(
        ServerFixtures.SERVER_CONFIG.toBuilder().sessionProtocolLabel("TLSv1.3").build());
  }

  private static void aPartialFrameCostsOnlyItsBytes(AgentSocketConfig config) throws Exception {
    try (AgentServer server =
        AgentServer.builder(config)
            .handler(ServerFixtures.ECHO)
            .maxConcurrentHandshakes(1)
            .build()
            .start()) {
      byte[] hello = hello(XX_CLIENT);
      try (Socket partial = raw(server)) {
        // All of the hello but its last byte: no slot, however long it waits.
        partial.getOutputStream().write(Arrays.copyOf(hello, hello.length - 1));
        partial.getOutputStream().flush();
        Thread.sleep(300);
        assertEquals(0, server.stats().handshakeSlotsInUse(), server.stats().toString());
        assertEquals(1, server.handshakesInProgress());
        // The last byte completes the frame: now it takes the slot and gets its answer.
        partial.getOutputStream().write(hello[hello.length - 1]);
        partial.getOutputStream().flush();
        byte[] header = partial.getInputStream().readNBytes(5);
        assertEquals(22, header[0], "the server's handshake answer");
        assertEquals(1, server.stats().handshakeSlotsInUse(), server.stats().toString());
      }
    }
  }
}
