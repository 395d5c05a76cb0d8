package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * Jetty 12 on both ends: {@code org.eclipse.jetty.client.HttpClient} with a {@link
 * SslContextFactory.Client} made from the client context, against {@link JettyEchoServer} ({@link
 * SslContextFactory.Server#setSslContext}), over HTTP/1.1, over h2 (prior knowledge of h2 inside
 * TLS, still ALPN-negotiated), and with the dynamic transport that lets ALPN pick.
 */
@Timeout(30)
class JettyTest {

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  @OverEachSecurity
  void jettyClientOverHttp11(TransportSecurity security) throws Exception {
    roundTrips(security, HttpVersion.HTTP_1_1, ClientKind.HTTP11);
  }

  @OverEachSecurity
  void jettyClientOverH2(TransportSecurity security) throws Exception {
    roundTrips(security, HttpVersion.HTTP_2, ClientKind.H2);
  }

  @OverEachSecurity
  void jettyClientLetsAlpnChooseH2(TransportSecurity security) throws Exception {
    roundTrips(security, HttpVersion.HTTP_2, ClientKind.DYNAMIC);
  }

  @OverEachSecurity
  void jettyClientRefusesAServerThatIsNotTheHostItDialed(TransportSecurity security)
      throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    HttpClient client = startClient(security, ClientKind.DYNAMIC, new Seen());
    Refusals.assertRefused(
        () ->
            client
                .newRequest("https://" + security.otherName() + ":" + server.port() + "/echo")
                .timeout(10, TimeUnit.SECONDS)
                .send());
  }

  private enum ClientKind {
    HTTP11,
    H2,
    DYNAMIC
  }

  private void roundTrips(TransportSecurity security, HttpVersion expected, ClientKind kind)
      throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    Seen serverAsSeen = new Seen();
    HttpClient client = startClient(security, kind, serverAsSeen);
    String base = "https://" + security.host() + ":" + server.port();

    for (int size : new int[] {0, 1, 64 * 1024, 1024 * 1024}) {
      byte[] body = Payloads.bytes(size);
      ContentResponse response =
          client
              .newRequest(base + "/echo")
              .method(HttpMethod.POST)
              .body(new BytesRequestContent("application/octet-stream", body))
              .timeout(10, TimeUnit.SECONDS)
              .send();
      assertEquals(200, response.getStatus(), "status for " + size + " bytes");
      assertEquals(expected, response.getVersion());
      assertEquals(expected.asString(), response.getHeaders().get("x-protocol"));
      assertArrayEquals(body, response.getContent(), size + " bytes echoed");
      assertEquals(security.clientPrincipal().getName(), response.getHeaders().get("x-peer"));
      server.seen.assertClient(security);
    }
    ContentResponse missing =
        client.newRequest(base + "/nowhere").timeout(10, TimeUnit.SECONDS).send();
    assertEquals(404, missing.getStatus());
    server.seen.assertClient(security);
    // One connection, one handshake: the client saw the server once.
    Seen.assertServer(serverAsSeen.next(), security);
  }

  private HttpClient startClient(TransportSecurity security, ClientKind kind, Seen serverAsSeen)
      throws Exception {
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(security.clientContext());
    if (security.hostnameVerifier() != null) {
      tls.setHostnameVerifier(security.hostnameVerifier());
    }
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(Duration.ofSeconds(10));
    connector.setIdleTimeout(Duration.ofSeconds(10));
    HttpClientTransport transport;
    switch (kind) {
      case HTTP11:
        transport = new HttpClientTransportOverHTTP(connector);
        break;
      case H2:
        transport = new HttpClientTransportOverHTTP2(new HTTP2Client(connector));
        break;
      default:
        transport =
            new HttpClientTransportDynamic(
                connector,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)),
                HttpClientConnectionFactory.HTTP11);
    }
    HttpClient client = new HttpClient(transport);
    client.setMaxConnectionsPerDestination(1);
    client.addBean(
        new SslHandshakeListener() {
          @Override
          public void handshakeSucceeded(Event event) {
            serverAsSeen.record(event.getSSLEngine().getSession());
          }
        });
    client.start();
    return closer.add(client, client::stop);
  }
}
