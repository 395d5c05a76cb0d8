package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentKeys;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerificationException;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every pattern family AgentWire mode supports, end to end over loopback TCP. */
@Timeout(60)
class SocketPatternsTest {

  static final AgentIdentity SERVER = AgentIdentity.generate();
  static final AgentIdentity CLIENT = AgentIdentity.generate();
  static final byte[] PSK = new byte[32];

  static {
    new Random(7).nextBytes(PSK);
  }

  /** What the server saw: its session, for comparing both ends. */
  static final class Seen {
    final BlockingQueue<AgentSession> sessions = new ArrayBlockingQueue<>(16);
    final EchoServer.Handler handler =
        s -> {
          ((SSLSocket) s).startHandshake();
          sessions.add((AgentSession) ((SSLSocket) s).getSession());
          EchoServer.ECHO.serve(s);
        };
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Noise_NN_25519_ChaChaPoly_SHA256",
        "Noise_NK_25519_AESGCM_SHA256",
        "Noise_NX_25519_ChaChaPoly_BLAKE2b",
        "Noise_XX_25519_ChaChaPoly_BLAKE2s",
        "Noise_XX_25519_AESGCM_SHA512",
        "Noise_IK_25519_ChaChaPoly_BLAKE2s",
        "Noise_KK_25519_AESGCM_SHA256",
        "Noise_XK_25519_ChaChaPoly_SHA256",
        "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s",
        "Noise_IKpsk2_25519_AESGCM_SHA256",
        "Noise_NNpsk0_25519_ChaChaPoly_SHA256"
      })
  void everyPatternFamilyConnectsAuthenticatesAndCarriesData(String suite) throws Exception {
    boolean clientAnonymous = suite.startsWith("Noise_N");
    boolean serverAnonymous = suite.startsWith("Noise_NN");
    boolean psk = suite.contains("psk");
    AgentSocketConfig.Builder server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()))
            .cipherSuites(suite)
            .anonymousPeers(clientAnonymous);
    AgentSocketConfig.Builder client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
            .cipherSuites(suite)
            .anonymousPeers(serverAnonymous);
    if (suite.startsWith("Noise_K")) {
      server.peerKey(CLIENT.publicKey());
    }
    if (psk) {
      server.psk(PSK);
      client.psk(PSK);
    }
    AgentSession[] ends = echoThrough(server.build(), client.build(), suite);
    AgentSession mine = ends[0];
    AgentSession theirs = ends[1];
    assertEquals("AgentWire/2", mine.getProtocol());
    boolean wide = suite.endsWith("512") || suite.endsWith("BLAKE2b");
    assertEquals(wide ? 64 : 32, mine.getHandshakeHash().length);
    assertKey(serverAnonymous ? null : SERVER.publicKey(), mine);
    assertKey(clientAnonymous ? null : CLIENT.publicKey(), theirs);
  }

  /**
   * Connects a client to a server over loopback and echoes 70 000 bytes; checks that both ends ran
   * {@code suite}, share the channel binding, and ended without failures. Returns the client's
   * session, then the server's.
   */
  static AgentSession[] echoThrough(
      AgentSocketConfig server, AgentSocketConfig client, String suite) throws Exception {
    Seen seen = new Seen();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), seen.handler);
        SSLSocket s =
            (SSLSocket) new AgentSocketFactory(client).createSocket("127.0.0.1", es.port())) {
      byte[] sent = exchange(s, 70_000);
      AgentSession mine = (AgentSession) s.getSession();
      AgentSession theirs = seen.sessions.poll(10, TimeUnit.SECONDS);
      assertEquals(suite, mine.getCipherSuite());
      assertEquals(suite, theirs.getCipherSuite());
      assertArrayEquals(mine.getHandshakeHash(), theirs.getHandshakeHash(), "channel binding");
      assertTrue(sent.length > 0);
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
      return new AgentSession[] {mine, theirs};
    }
  }

  /**
   * Deferred patterns (Noise section 18) and XN, end to end in AgentWire and raw mode. The columns
   * say, by hand from the patterns' tokens, what each side learns of the other's static key: {@code
   * proven} when a handshake message it reads proves it (then its verifier checks it and the
   * session names the peer), {@code unproven} when only the peer's first transport message would
   * (X1K: {@code <- se} comes last, so a server must accept unverified clients to run it), {@code
   * none} when the peer has no static key.
   */
  /**
   * A client never sends its static key to a server whose key it has received but not yet seen
   * proven: X1X1 would (server key in message 2, client key in message 3, proof in message 4), so
   * it is refused in both modes; X1X and XX, where message 2 proves the server first, are not.
   */
  @Test
  void patternsThatRevealTheClientBeforeTheServerIsProvenAreRefused() {
    for (boolean raw : new boolean[] {false, true}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> AgentSocketConfig.checkSuite("Noise_X1X1_25519_ChaChaPoly_SHA256", raw));
      assertTrue(e.getMessage().contains("learn the client's identity"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> AgentSocketConfig.checkSuite("Noise_X1X1psk0_25519_ChaChaPoly_SHA256", raw));
      AgentSocketConfig.checkSuite("Noise_X1X_25519_ChaChaPoly_SHA256", raw);
      AgentSocketConfig.checkSuite("Noise_XX_25519_ChaChaPoly_SHA256", raw);
      AgentSocketConfig.checkSuite("Noise_IX_25519_ChaChaPoly_SHA256", raw);
    }
    assertFalse(
        AgentSocketConfig.SUPPORTED_SUITES.stream().anyMatch(n -> n.startsWith("Noise_X1X1_")),
        "X1X1 is not advertised");
  }

  @ParameterizedTest(name = "{0} raw={1}")
  @CsvSource({
    "Noise_NK1_25519_ChaChaPoly_SHA256, false, none, proven",
    "Noise_NK1_25519_AESGCM_BLAKE2s, true, none, proven",
    "Noise_XK1_25519_ChaChaPoly_BLAKE2s, false, proven, proven",
    "Noise_XK1_25519_AESGCM_SHA256, true, proven, proven",
    "Noise_K1K1_25519_AESGCM_SHA256, false, proven, proven",
    "Noise_K1K1_25519_ChaChaPoly_SHA512, true, proven, proven",
    "Noise_I1K_25519_ChaChaPoly_SHA256, false, proven, proven",
    "Noise_I1K_25519_ChaChaPoly_BLAKE2b, true, proven, proven",
    "Noise_X1K_25519_ChaChaPoly_SHA256, false, unproven, proven",
    "Noise_X1K_25519_AESGCM_SHA512, true, unproven, proven",
    "Noise_K1N_25519_ChaChaPoly_BLAKE2s, false, proven, none",
    "Noise_I1Xpsk3_25519_AESGCM_SHA256, false, proven, proven",
    "Noise_X1Xpsk0_25519_ChaChaPoly_SHA256, true, unproven, proven",
    "Noise_XN_25519_ChaChaPoly_SHA256, false, proven, none",
    "Noise_XN_25519_AESGCM_SHA256, true, proven, none"
  })
  void deferredPatternsAndXnRunWhereTheirProofsAllow(
      String suite, boolean raw, String clientKey, String serverKey) throws Exception {
    AgentSocketConfig.Builder server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerKey(CLIENT.publicKey())
            .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()))
            .anonymousPeers(!clientKey.equals("proven"));
    AgentSocketConfig.Builder client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerKey(SERVER.publicKey())
            .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
            .anonymousPeers(serverKey.equals("none"));
    for (AgentSocketConfig.Builder b : List.of(server, client)) {
      if (raw) {
        b.raw(suite, new byte[] {7});
      } else {
        b.cipherSuites(suite);
      }
      if (suite.contains("psk")) {
        b.psk(PSK);
      }
    }
    AgentSession[] ends = echoThrough(server.build(), client.build(), suite);
    assertEquals(raw ? "Noise" : "AgentWire/2", ends[0].getProtocol());
    assertKey(serverKey.equals("proven") ? SERVER.publicKey() : null, ends[0]);
    assertKey(clientKey.equals("proven") ? CLIENT.publicKey() : null, ends[1]);
  }

  @Test
  void aServerThatRequiresClientAuthenticationRefusesX1kWhoseClientKeyOnlyTransportProves()
      throws Exception {
    String suite = "Noise_X1K_25519_ChaChaPoly_SHA256";
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites(suite)
            .build();
    AgentSocketConfig client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
            .cipherSuites(suite)
            .build();
    String[] why = refused(server, client);
    assertTrue(why[0].contains("server refused " + suite), why[0]);
    assertTrue(why[1].contains("requires client authentication, which X1K does not give"), why[1]);
  }

  /** Runs a handshake the server refuses; returns the client's error message, then the server's. */
  static String[] refused(AgentSocketConfig server, AgentSocketConfig client) throws Exception {
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), EchoServer.ECHO);
        SSLSocket s =
            (SSLSocket) new AgentSocketFactory(client).createSocket("127.0.0.1", es.port())) {
      javax.net.ssl.SSLHandshakeException e =
          assertThrows(javax.net.ssl.SSLHandshakeException.class, s::startHandshake);
      es.awaitEnded(1);
      assertEquals(1, es.failures.size());
      return new String[] {e.getMessage(), es.failures.get(0).getMessage()};
    }
  }

  private static void assertKey(PublicKey expected, AgentSession session) throws Exception {
    if (expected == null) {
      assertTrue(session.peer().isEmpty());
      assertThrows(SSLPeerUnverifiedException.class, session::getPeerPrincipal);
    } else {
      AgentPrincipal p = (AgentPrincipal) session.getPeerPrincipal();
      assertEquals(AgentKeys.fingerprint(expected), p.fingerprint());
    }
  }

  /** Writes {@code n} random bytes, half-closes, and checks the echo. */
  static byte[] exchange(Socket s, int n) throws Exception {
    byte[] msg = new byte[n];
    new Random(n).nextBytes(msg);
    OutputStream out = s.getOutputStream();
    out.write(msg);
    s.shutdownOutput();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    in.transferTo(got);
    assertArrayEquals(msg, got.toByteArray());
    return msg;
  }

  @Test
  void ikIsChosenWhenTheServerKeyIsPinnedAndXxOtherwise() throws Exception {
    AgentSocketConfig server =
        AgentSocketConfig.builder().identity(SERVER).peerVerifier(PeerVerifier.anyPeer()).build();
    PeerTrustStore pins = PeerTrustStore.inMemory(true);
    AgentSocketConfig client =
        AgentSocketConfig.builder().identity(CLIENT).peerVerifier(pins).build();
    Seen seen = new Seen();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), seen.handler)) {
      AgentSocketFactory f = new AgentSocketFactory(client);
      try (SSLSocket first = (SSLSocket) f.createSocket("127.0.0.1", es.port())) {
        exchange(first, 10);
        assertEquals("Noise_XX_25519_ChaChaPoly_BLAKE2s", first.getSession().getCipherSuite());
      }
      assertEquals(
          AgentKeys.fingerprint(SERVER.publicKey()),
          AgentKeys.fingerprint(pins.pinned("127.0.0.1").orElseThrow()),
          "trust on first use recorded the server's key under the host");
      try (SSLSocket second = (SSLSocket) f.createSocket("127.0.0.1", es.port())) {
        exchange(second, 10);
        assertEquals("Noise_IK_25519_ChaChaPoly_BLAKE2s", second.getSession().getCipherSuite());
      }
    }
  }

  @Test
  void anIdentityChangeFallsBackToXxThenFailsVerificationNamingBothKeys() throws Exception {
    AgentIdentity replaced = AgentIdentity.generate();
    AgentSocketConfig server =
        AgentSocketConfig.builder().identity(replaced).peerVerifier(PeerVerifier.anyPeer()).build();
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin("127.0.0.1", SERVER.publicKey());
    Seen seen = new Seen();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), seen.handler)) {
      // A client that only caches the key (anyPeer) recovers through Noise Pipes' fallback.
      AgentSocketConfig caching =
          AgentSocketConfig.builder()
              .identity(CLIENT)
              .peerVerifier(PeerVerifier.anyPeer())
              .peerKey(SERVER.publicKey())
              .build();
      try (SSLSocket s =
          (SSLSocket) new AgentSocketFactory(caching).createSocket("127.0.0.1", es.port())) {
        exchange(s, 1000);
        assertEquals("Noise_XXfallback_25519_ChaChaPoly_BLAKE2s", s.getSession().getCipherSuite());
        assertEquals(
            AgentKeys.fingerprint(replaced.publicKey()),
            ((AgentPrincipal) s.getSession().getPeerPrincipal()).fingerprint());
        AgentSession theirs = seen.sessions.poll(10, TimeUnit.SECONDS);
        assertArrayEquals(
            ((AgentSession) s.getSession()).getHandshakeHash(), theirs.getHandshakeHash());
      }
      // A client that pinned the old key falls back too, then refuses the new key by name.
      AgentSocketConfig pinned =
          AgentSocketConfig.builder().identity(CLIENT).peerVerifier(pins).build();
      try (SSLSocket s =
          (SSLSocket) new AgentSocketFactory(pinned).createSocket("127.0.0.1", es.port())) {
        PeerVerificationException e =
            assertThrows(PeerVerificationException.class, s::startHandshake);
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains(AgentKeys.fingerprint(SERVER.publicKey())));
        assertTrue(e.getMessage().contains(AgentKeys.fingerprint(replaced.publicKey())));
      }
    }
  }

  @Test
  void aProtocolMismatchNamesBothSidesProtocols() throws Exception {
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites("Noise_XX_25519_AESGCM_SHA256")
            .build();
    AgentSocketConfig client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites("Noise_XX_25519_ChaChaPoly_BLAKE2s")
            .build();
    String[] why = refused(server, client);
    assertTrue(why[0].contains("Noise_XX_25519_ChaChaPoly_BLAKE2s"), why[0]);
    assertTrue(why[0].contains("Noise_XX_25519_AESGCM_SHA256"), why[0]);
    String serverSide = why[1];
    assertTrue(serverSide.contains("Noise_XX_25519_ChaChaPoly_BLAKE2s"), serverSide);
    assertTrue(serverSide.contains("Noise_XX_25519_AESGCM_SHA256"), serverSide);
  }

  @Test
  void aRefusedClientLearnsWhyThroughAnEncryptedAlert() throws Exception {
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerTrustStore.inMemory(false))
            .build();
    AgentSocketConfig client =
        AgentSocketConfig.builder().identity(CLIENT).peerVerifier(PeerVerifier.anyPeer()).build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), EchoServer.ECHO);
        SSLSocket s =
            (SSLSocket) new AgentSocketFactory(client).createSocket("127.0.0.1", es.port())) {
      s.startHandshake(); // XX completes on the client before the server has seen its key
      javax.net.ssl.SSLException e =
          assertThrows(javax.net.ssl.SSLException.class, () -> s.getInputStream().read());
      assertTrue(e.getMessage().contains("not pinned"), e.getMessage());
      assertTrue(e.getMessage().contains(AgentKeys.fingerprint(CLIENT.publicKey())));
    }
  }

  @Test
  void aDhStepAndRekeysKeepTheStreamIntactInBothDirections() throws Exception {
    RekeyPolicy eager = RekeyPolicy.of(3, 10_000, Duration.ofMillis(1));
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .rekeyPolicy(eager)
            .padding(64)
            .build();
    AgentSocketConfig client =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.anyPeer())
            .rekeyPolicy(eager)
            .padding(64)
            .build();
    EchoServer.Handler chatty =
        s -> {
          DataInputStream in = new DataInputStream(s.getInputStream());
          OutputStream out = s.getOutputStream();
          byte[] buf = new byte[1000];
          for (int i = 0; i < 300; i++) {
            in.readFully(buf);
            out.write(buf);
            Thread.sleep(i % 50 == 0 ? 2 : 0);
          }
          assertEquals(-1, in.read());
        };
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), chatty);
        Socket s = new AgentSocketFactory(client).createSocket("127.0.0.1", es.port())) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] buf = new byte[1000];
      byte[] back = new byte[1000];
      Random r = new Random(3);
      for (int i = 0; i < 300; i++) {
        r.nextBytes(buf);
        s.getOutputStream().write(buf);
        in.readFully(back);
        assertArrayEquals(buf, back);
      }
      s.shutdownOutput();
      assertEquals(-1, in.read());
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
    }
  }

  @Test
  void aTruncatedStreamIsAnErrorNotAnEndOfFile() throws Exception {
    AgentSocketConfig config =
        AgentSocketConfig.builder().identity(SERVER).peerVerifier(PeerVerifier.anyPeer()).build();
    // The server layers AgentWire over a plain TCP connection it keeps, so it can end the TCP
    // stream itself.
    EchoServer.Handler rude =
        tcp -> {
          SSLSocket s = (SSLSocket) new AgentSocketFactory(config).createSocket(tcp, null, false);
          s.getOutputStream().write(new byte[] {1, 2, 3});
          s.getSession();
          // End the TCP stream without the close record, as an attacker cutting the line would.
          tcp.shutdownOutput();
          Thread.sleep(200);
        };
    try (EchoServer es = new EchoServer(ServerSocketFactory.getDefault(), rude);
        Socket s = new AgentSocketFactory(config).createSocket("127.0.0.1", es.port())) {
      InputStream in = s.getInputStream();
      assertEquals(1, in.read());
      assertEquals(2, in.read());
      assertEquals(3, in.read());
      javax.net.ssl.SSLException e = assertThrows(javax.net.ssl.SSLException.class, in::read);
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
      assertFalse(s.isConnected() && !s.isClosed(), "the connection is over");
    }
  }
}
