package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.impl.bootstrap.HttpServer;
import org.apache.hc.core5.http.impl.bootstrap.ServerBootstrap;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.ssl.BasicServerTlsStrategy;
import org.apache.hc.core5.http.nio.support.AsyncResponseBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;

/**
 * Apache HttpClient 5 over the client context, against httpcore5's own servers over the server
 * context: the classic (blocking, {@code SSLSocket}) client with {@link DefaultClientTlsStrategy}
 * and an explicit {@link HostnameVerifier} against {@link ServerBootstrap#setSslContext}; the async
 * ({@code SSLEngine}) client with the same strategy against {@link AsyncServerBootstrap} with a
 * {@link BasicServerTlsStrategy}; and the async client negotiating h2 with Jetty by ALPN.
 */
@org.junit.jupiter.api.Timeout(30)
class ApacheHttpClientTest {

  private static final Timeout TEN_SECONDS = Timeout.ofSeconds(10);

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  /**
   * How the clients check the server's name. With certificates: {@link
   * HostnameVerificationPolicy#CLIENT} and an explicit verifier (the security's, else HttpClient's
   * {@link DefaultHostnameVerifier}). Without: HttpClient calls any verifier only after it has
   * taken {@code getPeerCertificates()[0]} as an X509Certificate (it fails the session with "Peer
   * certificate chain is empty" or "Unexpected certificate type" otherwise), so the check is left
   * to the engine: {@link HostnameVerificationPolicy#BUILTIN} sets endpoint identification "HTTPS"
   * in its SSLParameters.
   */
  private static DefaultClientTlsStrategy tlsStrategy(TransportSecurity security) {
    if (!security.hasPeerCertificates()) {
      return new DefaultClientTlsStrategy(
          security.clientContext(), HostnameVerificationPolicy.BUILTIN, null);
    }
    HostnameVerifier verifier =
        security.hostnameVerifier() != null
            ? security.hostnameVerifier()
            : new DefaultHostnameVerifier();
    return new DefaultClientTlsStrategy(
        security.clientContext(), HostnameVerificationPolicy.CLIENT, verifier);
  }

  @OverEachSecurity
  void classicClientAgainstClassicServer(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    HttpServer server =
        ServerBootstrap.bootstrap()
            .setLocalAddress(InetAddress.getLoopbackAddress())
            .setListenerPort(0)
            .setSslContext(security.serverContext())
            .setSslSetupHandler(p -> p.setNeedClientAuth(true))
            .setSocketConfig(SocketConfig.custom().setSoTimeout(TEN_SECONDS).build())
            .register(
                "*",
                (request, response, context) -> {
                  SSLSession session = HttpCoreContext.cast(context).getSSLSession();
                  seen.record(session);
                  byte[] body =
                      request.getEntity() == null
                          ? new byte[0]
                          : EntityUtils.toByteArray(request.getEntity());
                  response.setCode(request.getPath().equals("/echo") ? 200 : 404);
                  response.setHeader("x-peer", peerName(session));
                  response.setEntity(
                      new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
                })
            .create();
    server.start();
    closer.add(server, () -> server.close(CloseMode.IMMEDIATE));

    CloseableHttpClient client = classicClient(security);

    URI base = URI.create("https://" + security.host() + ":" + server.getLocalPort());
    for (int size : new int[] {1, 64 * 1024, 1024 * 1024}) {
      byte[] body = Payloads.bytes(size);
      HttpClientContext context = HttpClientContext.create();
      byte[][] echoed = new byte[1][];
      int status =
          client.execute(
              ClassicRequestBuilder.post(base.resolve("/echo"))
                  .setEntity(body, ContentType.APPLICATION_OCTET_STREAM)
                  .build(),
              context,
              response -> {
                assertEquals(
                    security.clientPrincipal().getName(),
                    response.getFirstHeader("x-peer").getValue());
                echoed[0] = EntityUtils.toByteArray(response.getEntity());
                return response.getCode();
              });
      assertEquals(200, status);
      assertArrayEquals(body, echoed[0], size + " bytes echoed");
      seen.assertClient(security);
      assertNotNull(context.getSSLSession(), "the client context holds the TLS session");
      Seen.assertServer(Seen.Peer.of(context.getSSLSession()), security);
    }
    int missing =
        client.execute(
            ClassicRequestBuilder.get(base.resolve("/nowhere")).build(),
            response -> response.getCode());
    assertEquals(404, missing);
    seen.assertClient(security);
  }

  @OverEachSecurity
  void asyncClientAgainstAsyncServer(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    HttpAsyncServer server =
        AsyncServerBootstrap.bootstrap()
            .setTlsStrategy(
                new BasicServerTlsStrategy(
                    security.serverContext(),
                    (endpoint, engine) -> engine.setNeedClientAuth(true),
                    null))
            .setIOReactorConfig(
                IOReactorConfig.custom().setIoThreadCount(1).setSoTimeout(TEN_SECONDS).build())
            .register("*", new AsyncEcho(seen))
            .create();
    server.start();
    closer.add(server, () -> server.close(CloseMode.IMMEDIATE));
    ListenerEndpoint endpoint =
        server
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), URIScheme.HTTPS)
            .get(10, TimeUnit.SECONDS);
    int port = ((InetSocketAddress) endpoint.getAddress()).getPort();

    CloseableHttpAsyncClient client = asyncClient(security, HttpVersionPolicy.NEGOTIATE);
    URI base = URI.create("https://" + security.host() + ":" + port);
    for (int size : new int[] {1, 64 * 1024, 1024 * 1024}) {
      byte[] body = Payloads.bytes(size);
      HttpClientContext context = HttpClientContext.create();
      SimpleHttpResponse response =
          client
              .execute(
                  SimpleRequestBuilder.post(base.resolve("/echo"))
                      .setBody(body, ContentType.APPLICATION_OCTET_STREAM)
                      .build(),
                  context,
                  null)
              .get(10, TimeUnit.SECONDS);
      assertEquals(200, response.getCode());
      assertEquals(HttpVersion.HTTP_1_1, response.getVersion(), "the async server speaks 1.1");
      assertArrayEquals(body, response.getBodyBytes(), size + " bytes echoed");
      assertEquals(
          security.clientPrincipal().getName(), response.getFirstHeader("x-peer").getValue());
      seen.assertClient(security);
      assertNotNull(context.getSSLSession(), "the client context holds the TLS session");
      Seen.assertServer(Seen.Peer.of(context.getSSLSession()), security);
    }
  }

  @OverEachSecurity
  void asyncClientNegotiatesH2WithJetty(TransportSecurity security) throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    CloseableHttpAsyncClient client = asyncClient(security, HttpVersionPolicy.NEGOTIATE);
    byte[] body = Payloads.bytes(100_000);
    SimpleHttpResponse response =
        client
            .execute(
                SimpleRequestBuilder.post(
                        "https://" + security.host() + ":" + server.port() + "/echo")
                    .setBody(body, ContentType.APPLICATION_OCTET_STREAM)
                    .build(),
                null)
            .get(10, TimeUnit.SECONDS);
    assertEquals(200, response.getCode());
    assertEquals(HttpVersion.HTTP_2, response.getVersion(), "ALPN chose h2");
    assertEquals("HTTP/2.0", response.getFirstHeader("x-protocol").getValue());
    assertArrayEquals(body, response.getBodyBytes());
    server.seen.assertClient(security);
  }

  @OverEachSecurity
  void bothClientsRefuseAServerThatIsNotTheHostTheyDialed(TransportSecurity security)
      throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    String other = "https://" + security.otherName() + ":" + server.port() + "/echo";
    CloseableHttpClient classic = classicClient(security);
    Refusals.assertRefused(
        () -> classic.execute(ClassicRequestBuilder.get(other).build(), r -> r.getCode()));
    CloseableHttpAsyncClient async = asyncClient(security, HttpVersionPolicy.NEGOTIATE);
    Refusals.assertRefused(
        () ->
            async.execute(SimpleRequestBuilder.get(other).build(), null).get(10, TimeUnit.SECONDS));
  }

  private CloseableHttpClient classicClient(TransportSecurity security) {
    return closer.add(
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setTlsSocketStrategy(tlsStrategy(security))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(TEN_SECONDS)
                            .setSocketTimeout(TEN_SECONDS)
                            .build())
                    .build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(TEN_SECONDS).build())
            .build());
  }

  private CloseableHttpAsyncClient asyncClient(
      TransportSecurity security, HttpVersionPolicy versions) throws Exception {
    CloseableHttpAsyncClient client =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setTlsStrategy(tlsStrategy(security))
                    .setDefaultTlsConfig(
                        TlsConfig.custom()
                            .setVersionPolicy(versions)
                            .setHandshakeTimeout(TEN_SECONDS)
                            .build())
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(TEN_SECONDS)
                            .setSocketTimeout(TEN_SECONDS)
                            .build())
                    .build())
            .setIOReactorConfig(
                IOReactorConfig.custom().setIoThreadCount(1).setSoTimeout(TEN_SECONDS).build())
            .build();
    client.start();
    return closer.add(client, () -> client.close(CloseMode.GRACEFUL));
  }

  private static String peerName(SSLSession session) {
    try {
      Principal p = session == null ? null : session.getPeerPrincipal();
      return p == null ? "none" : p.getName();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return "unverified";
    }
  }

  /** Echoes the request body; records the TLS session httpcore5 puts in the context. */
  private static final class AsyncEcho
      implements AsyncServerRequestHandler<Message<HttpRequest, byte[]>> {
    private final Seen seen;

    AsyncEcho(Seen seen) {
      this.seen = seen;
    }

    @Override
    public AsyncRequestConsumer<Message<HttpRequest, byte[]>> prepare(
        HttpRequest request, EntityDetails entityDetails, HttpContext context) {
      return new BasicRequestConsumer<>(
          entityDetails != null ? new BasicAsyncEntityConsumer() : null);
    }

    @Override
    public void handle(
        Message<HttpRequest, byte[]> message, ResponseTrigger trigger, HttpContext context)
        throws org.apache.hc.core5.http.HttpException, java.io.IOException {
      SSLSession session = HttpCoreContext.cast(context).getSSLSession();
      seen.record(session);
      byte[] body = message.getBody() == null ? new byte[0] : message.getBody();
      trigger.submitResponse(
          AsyncResponseBuilder.create(message.getHead().getPath().equals("/echo") ? 200 : 404)
              .setHeader("x-peer", peerName(session))
              .setEntity(AsyncEntityProducers.create(body, ContentType.APPLICATION_OCTET_STREAM))
              .build(),
          context);
    }
  }
}
