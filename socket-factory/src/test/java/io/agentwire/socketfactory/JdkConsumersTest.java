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
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.EchoServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unmodified JDK code (HttpsURLConnection, SSLContext users) running over AgentWire. */
@Timeout(60)
class JdkConsumersTest {

  static final AgentIdentity SERVER = AgentIdentity.generate();
  static final AgentIdentity CLIENT = AgentIdentity.generate();

  /** A minimal HTTP/1.1 server: one request per connection, the request line echoed back. */
  static final EchoServer.Handler HTTP =
      s -> {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String requestLine = in.readLine();
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // headers ignored
        }
        AgentSession session = (AgentSession) ((SSLSocket) s).getSession();
        String body =
            requestLine
                + "\nclient "
                + session.peer().orElseThrow().fingerprint()
                + "\n"
                + session.getCipherSuite()
                + "\n";
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + b.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
      };

  static AgentSocketConfig serverConfig() {
    return AgentSocketConfig.builder()
        .identity(SERVER)
        .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()))
        .build();
  }

  @Test
  void httpsUrlConnectionWorksWithOnlyTheSocketFactorySet() throws Exception {
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin("127.0.0.1", SERVER.publicKey());
    AgentSocketFactory factory =
        new AgentSocketFactory(
            AgentSocketConfig.builder().identity(CLIENT).peerVerifier(pins).build());
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(serverConfig()), HTTP)) {
      URL url = new URL("https://127.0.0.1:" + es.port() + "/agents?x=1");
      HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
      c.setSSLSocketFactory(factory); // the one line an application changes
      c.setConnectTimeout(5000);
      c.setReadTimeout(5000);
      assertEquals(200, c.getResponseCode());
      String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(body.startsWith("GET /agents?x=1 HTTP/1.1\n"), body);
      assertTrue(body.contains(AgentKeys.fingerprint(CLIENT.publicKey())), "mutual: " + body);
      // The JDK sees a Noise suite name, never an anonymous one.
      assertTrue(c.getCipherSuite().startsWith("Noise_IK_"), c.getCipherSuite());
      assertFalse(c.getCipherSuite().contains("_anon_"));
      assertEquals(
          AgentKeys.fingerprint(SERVER.publicKey()),
          ((AgentPrincipal) c.getPeerPrincipal()).fingerprint());
      // X.509-expecting code sees an attestation of exactly what the handshake proved: the
      // server's static key, named by the address its key is pinned for.
      java.security.cert.X509Certificate attested =
          (java.security.cert.X509Certificate) c.getServerCertificates()[0];
      assertArrayEquals(SERVER.publicKey().getEncoded(), attested.getPublicKey().getEncoded());
      assertEquals(
          List.of(List.of(7, "127.0.0.1")),
          List.copyOf(attested.getSubjectAlternativeNames()).stream()
              .map(List::copyOf)
              .collect(java.util.stream.Collectors.toList()));
      c.disconnect();
    }
  }

  @Test
  void httpsUrlConnectionRefusesAServerWhoseKeyIsNotPinnedForTheHost() throws Exception {
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin("agents.example", SERVER.publicKey()); // trusted, but for another name
    AgentSocketFactory factory =
        new AgentSocketFactory(
            AgentSocketConfig.builder().identity(CLIENT).peerVerifier(pins).build());
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(serverConfig()), HTTP)) {
      HttpsURLConnection c =
          (HttpsURLConnection) new URL("https://127.0.0.1:" + es.port() + "/").openConnection();
      c.setSSLSocketFactory(factory);
      IOException e = assertThrows(IOException.class, c::getResponseCode);
      assertTrue(e.getMessage().contains("no key is pinned for 127.0.0.1"), e.getMessage());
    }
  }

  @Test
  void sslContextAgentWireServesCodeThatTakesAnSslContext() throws Exception {
    AgentWireJsseProvider jsse = new AgentWireJsseProvider();
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin("127.0.0.1", SERVER.publicKey());
    pins.pin("client", CLIENT.publicKey());

    KeyManagerFactory kmf = KeyManagerFactory.getInstance("AgentWire", jsse);
    kmf.init(AgentKeyManager.of(SERVER));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("AgentWire", jsse);
    tmf.init(AgentTrustManager.of(pins));
    SSLContext serverCtx = SSLContext.getInstance("AgentWire", jsse);
    serverCtx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

    SSLContext clientCtx = SSLContext.getInstance("AgentWire", jsse);
    clientCtx.init(
        new KeyManager[] {AgentKeyManager.of(CLIENT)},
        new TrustManager[] {AgentTrustManager.of(pins)},
        null);

    SSLParameters defaults = clientCtx.getDefaultSSLParameters();
    assertEquals(AgentSocketConfig.DEFAULT_SUITES, Arrays.asList(defaults.getCipherSuites()));
    assertTrue(
        Arrays.stream(clientCtx.getSupportedSSLParameters().getCipherSuites())
            .noneMatch(s -> s.contains("_anon_")));
    assertTrue(clientCtx.createSSLEngine("127.0.0.1", 1) instanceof javax.net.ssl.SSLEngine);

    try (EchoServer es = new EchoServer(serverCtx.getServerSocketFactory(), EchoServer.ECHO);
        SSLSocket s = (SSLSocket) clientCtx.getSocketFactory().createSocket()) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName("agents.example")));
      p.setApplicationProtocols(new String[] {"agent-rpc/1"});
      s.setSSLParameters(p);
      SSLParameters kept = s.getSSLParameters();
      assertEquals("HTTPS", kept.getEndpointIdentificationAlgorithm());
      assertEquals(List.of(new SNIHostName("agents.example")), kept.getServerNames());
      assertArrayEquals(new String[] {"agent-rpc/1"}, kept.getApplicationProtocols());

      CompletableFuture<HandshakeCompletedEvent> done = new CompletableFuture<>();
      s.addHandshakeCompletedListener(done::complete);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", es.port()), 5000);
      SocketPatternsTest.exchange(s, 5000);
      HandshakeCompletedEvent event = done.get(5, TimeUnit.SECONDS);
      assertEquals(s.getSession(), event.getSession());
      assertEquals("127.0.0.1", event.getSession().getPeerPrincipal().getName());
      // Room for the largest frame (5-byte header, 16640-byte body) with control records around it.
      assertTrue(event.getSession().getPacketBufferSize() >= 5 + 16640);
      assertEquals(16384, event.getSession().getApplicationBufferSize());
      // The server enables no application protocols, so the offer selects none.
      assertEquals("", s.getApplicationProtocol());
    }
  }

  @Test
  void theJavaSecurityFragmentAndKeyStoresWork() throws Exception {
    Security.addProvider(new AgentWireJsseProvider());
    try {
      SSLContext ctx = SSLContext.getInstance("AgentWire");
      assertEquals(AgentWireJsseProvider.NAME, ctx.getProvider().getName());
      KeyStore empty = KeyStore.getInstance("PKCS12");
      empty.load(null, null);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("AgentWire");
      java.security.KeyStoreException e =
          assertThrows(java.security.KeyStoreException.class, () -> kmf.init(empty, new char[0]));
      assertTrue(e.getMessage().contains("no X25519 private key"), e.getMessage());
    } finally {
      Security.removeProvider(AgentWireJsseProvider.NAME);
    }
  }

  @Test
  void sessionsAreUsableBeforeAndWithoutAHandshake() throws Exception {
    try (Socket plain = new Socket()) {
      SSLSocket s =
          (SSLSocket)
              new AgentSocketFactory(
                      AgentSocketConfig.builder()
                          .identity(CLIENT)
                          .peerVerifier(PeerVerifier.anyPeer())
                          .build())
                  .createSocket();
      // Not connected: getSession fails softly with JSSE's null session, sizes still valid.
      assertEquals("SSL_NULL_WITH_NULL_NULL", s.getSession().getCipherSuite());
      assertFalse(s.getSession().isValid());
      assertTrue(s.getSession().getApplicationBufferSize() > 16_000);
      s.close();
    }
  }
}
