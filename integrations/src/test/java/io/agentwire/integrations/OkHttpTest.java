package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import okhttp3.ConnectionSpec;
import okhttp3.Handshake;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * OkHttp 5 with {@code sslSocketFactory(clientContext.getSocketFactory(), trustManager)} and the
 * security's hostname verifier (OkHttp's own when it has none), against {@link JettyEchoServer}: h2
 * chosen by ALPN, HTTP/1.1 when the client offers only that, and a refused host name.
 *
 * <p>What OkHttp demands of the socket and session, whatever the transport: {@code
 * SSLSession.getProtocol()} must be one of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1, SSLv3 ({@code
 * TlsVersion.forJavaName} throws IllegalArgumentException for anything else, on every connection);
 * with the default {@code ConnectionSpec.MODERN_TLS} the socket's enabled protocols must include
 * TLSv1.3 or TLSv1.2 and its enabled cipher suites one of that spec's suites, and it must accept
 * {@code setEnabledProtocols}/{@code setEnabledCipherSuites} with those subsets; the session's
 * cipher suite must not be null or {@code TLS_NULL_WITH_NULL_NULL}.
 */
@Timeout(30)
class OkHttpTest {

  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  /** The TLS version names OkHttp's {@code TlsVersion.forJavaName} accepts. */
  private static final Set<String> OKHTTP_TLS_VERSIONS =
      Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");

  /**
   * OkHttp runs only over sockets whose enabled protocols all have TLS version names: its {@code
   * ConnectionSpec.apply} maps each through {@code TlsVersion.forJavaName}, which throws
   * IllegalArgumentException for any other name, whatever the spec. Where the security's sockets
   * have other names the OkHttp tests are skipped with that reason, and run again by themselves as
   * soon as the sockets report TLS names.
   */
  @BeforeEach
  void skipWhereOkHttpCannotRun(TestInfo test) throws Exception {
    TransportSecurity security =
        TransportSecurity.all()
            .filter(s -> test.getDisplayName().equals(s.toString()))
            .findFirst()
            .orElse(null);
    if (security == null) {
      return;
    }
    try (SSLSocket socket =
        (SSLSocket) security.clientContext().getSocketFactory().createSocket()) {
      List<String> enabled = List.of(socket.getEnabledProtocols());
      assumeTrue(
          OKHTTP_TLS_VERSIONS.containsAll(enabled),
          "OkHttp cannot run here: its ConnectionSpec.apply passes every enabled protocol of the"
              + " socket through TlsVersion.forJavaName, which rejects "
              + enabled);
    }
  }

  @OverEachSecurity
  void okHttpOverH2(TransportSecurity security) throws Exception {
    roundTrips(security, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1), Protocol.HTTP_2, "HTTP/2.0");
  }

  @OverEachSecurity
  void okHttpOverHttp11(TransportSecurity security) throws Exception {
    roundTrips(security, List.of(Protocol.HTTP_1_1), Protocol.HTTP_1_1, "HTTP/1.1");
  }

  @OverEachSecurity
  void okHttpRefusesAServerThatIsNotTheHostItDialed(TransportSecurity security) throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    OkHttpClient client = client(security, List.of(Protocol.HTTP_2, Protocol.HTTP_1_1), new Seen());
    Request request =
        new Request.Builder()
            .url("https://" + security.otherName() + ":" + server.port() + "/echo")
            .build();
    // OkHttp's hostname verifier throws SSLPeerUnverifiedException; a transport that checks the
    // name inside its handshake fails it with another SSLException. Either way, no response.
    assertThrows(SSLException.class, () -> client.newCall(request).execute().close());
  }

  private void roundTrips(
      TransportSecurity security, List<Protocol> offered, Protocol expected, String serverSaw)
      throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    Seen serverAsSeen = new Seen();
    OkHttpClient client = client(security, offered, serverAsSeen);
    String base = "https://" + security.host() + ":" + server.port();
    for (int size : new int[] {1, 64 * 1024, 1024 * 1024}) {
      byte[] body = Payloads.bytes(size);
      Request request =
          new Request.Builder().url(base + "/echo").post(RequestBody.create(body, OCTETS)).build();
      try (Response response = client.newCall(request).execute()) {
        assertEquals(200, response.code());
        assertEquals(expected, response.protocol());
        assertEquals(serverSaw, response.header("x-protocol"));
        assertEquals(security.clientPrincipal().getName(), response.header("x-peer"));
        assertArrayEquals(body, response.body().bytes(), size + " bytes echoed");
        Handshake handshake = response.handshake();
        assertNotNull(handshake, "OkHttp recorded the handshake");
        assertEquals(security.clientSessionProtocol(), handshake.tlsVersion().javaName());
        if (security.clientTrustManager().getAcceptedIssuers().length > 0) {
          // OkHttp cleans the peer's chain against the trust manager's issuers and names the
          // subject of what is left; a trust manager that names no issuer leaves it empty.
          assertEquals(security.serverPrincipal(), handshake.peerPrincipal());
        }
      }
      server.seen.assertClient(security);
    }
    // One connection: the verifier saw one handshake.
    Seen.assertServer(serverAsSeen.next(), security);
    try (Response missing =
        client.newCall(new Request.Builder().url(base + "/nowhere").build()).execute()) {
      assertEquals(404, missing.code());
    }
    server.seen.assertClient(security);
  }

  /**
   * OkHttp's default {@link ConnectionSpec#MODERN_TLS} where the client's suites are TLS suites.
   * Otherwise that spec matches nothing ("Unable to find acceptable protocols"): its TLS versions
   * and TLS suites must intersect the socket's enabled ones, so the client takes whatever the
   * socket enables instead.
   */
  private static ConnectionSpec connectionSpec(TransportSecurity security) {
    for (String suite : security.clientContext().getDefaultSSLParameters().getCipherSuites()) {
      if (suite.startsWith("TLS_")) {
        return ConnectionSpec.MODERN_TLS;
      }
    }
    return new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
        .allEnabledTlsVersions()
        .allEnabledCipherSuites()
        .build();
  }

  private OkHttpClient client(
      TransportSecurity security, List<Protocol> protocols, Seen serverAsSeen) {
    // OkHttp's own verifier (or the security's), wrapped to record the session it is shown: the
    // client side's view of the server for any transport, where Handshake.peerPrincipal() exists
    // only for X.509 peers.
    HostnameVerifier verifier =
        security.hostnameVerifier() != null
            ? security.hostnameVerifier()
            : OkHostnameVerifier.INSTANCE;
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .hostnameVerifier(
                (host, session) -> {
                  serverAsSeen.record(session);
                  return verifier.verify(host, session);
                })
            .sslSocketFactory(
                security.clientContext().getSocketFactory(), security.clientTrustManager())
            .protocols(protocols)
            .connectionSpecs(List.of(connectionSpec(security)))
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(10))
            .callTimeout(Duration.ofSeconds(10));
    OkHttpClient client = b.build();
    return closer.add(
        client,
        () -> {
          client.dispatcher().executorService().shutdownNow();
          client.connectionPool().evictAll();
        });
  }
}
