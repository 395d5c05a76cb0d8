package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK alone: {@code com.sun.net.httpserver.HttpsServer} with an {@link HttpsConfigurator}
 * requiring client auth, and {@code java.net.http.HttpClient} over HTTP/1.1 with {@code
 * sslContext(...)}. The JDK client has no HostnameVerifier hook: it checks the server's name
 * through {@code SSLParameters.setEndpointIdentificationAlgorithm("HTTPS")} on its engine.
 */
@Timeout(30)
class JdkHttpTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  @OverEachSecurity
  void httpClientPostsToHttpsServerOverHttp11(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    HttpsServer server = startServer(security, seen);
    HttpClient client = client(security, HttpClient.Version.HTTP_1_1);

    for (byte[] body : new byte[][] {Payloads.bytes(1), Payloads.bytes(200_000)}) {
      HttpResponse<byte[]> response =
          client.send(
              HttpRequest.newBuilder(uri(security, server, "/echo"))
                  .timeout(TIMEOUT)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(200, response.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, response.version());
      assertArrayEquals(body, response.body(), "the body came back");
      assertEquals(
          security.clientPrincipal().getName(),
          response.headers().firstValue("x-peer").orElse(null),
          "the server named the client it authenticated");
      seen.assertClient(security);
      Seen.Peer serverAsSeen =
          Seen.Peer.of(response.sslSession().orElseThrow(() -> new AssertionError("no session")));
      Seen.assertServer(serverAsSeen, security);
    }
  }

  @OverEachSecurity
  void getWithNoBody(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    HttpsServer server = startServer(security, seen);
    HttpResponse<String> response =
        client(security, HttpClient.Version.HTTP_1_1)
            .send(
                HttpRequest.newBuilder(uri(security, server, "/missing")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(404, response.statusCode(), "the handler's status reached the client");
    seen.assertClient(security);
  }

  @OverEachSecurity
  void httpClientRefusesAServerThatIsNotTheHostItDialed(TransportSecurity security)
      throws Exception {
    HttpsServer server = startServer(security, new Seen());
    URI other =
        URI.create("https://" + security.otherName() + ":" + server.getAddress().getPort() + "/");
    HttpClient client = client(security, HttpClient.Version.HTTP_1_1);
    Refusals.assertRefused(
        () ->
            client.send(
                HttpRequest.newBuilder(other).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding()));
  }

  /** An HttpsServer on 127.0.0.1, any port, that echoes POST /echo and 404s the rest. */
  private HttpsServer startServer(TransportSecurity security, Seen seen) throws Exception {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    SSLContext ctx = security.serverContext();
    server.setHttpsConfigurator(
        new HttpsConfigurator(ctx) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = ctx.getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            HttpsExchange https = (HttpsExchange) exchange;
            seen.record(https.getSSLSession());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            exchange
                .getResponseHeaders()
                .add("x-peer", https.getSSLSession().getPeerPrincipal().getName());
            if (!exchange.getRequestURI().getPath().equals("/echo")) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    ExecutorService executor = Executors.newFixedThreadPool(2);
    server.setExecutor(executor);
    server.start();
    closer.add(
        server,
        () -> {
          server.stop(0);
          executor.shutdownNow();
          executor.awaitTermination(5, TimeUnit.SECONDS);
        });
    return server;
  }

  /**
   * A JDK client over the security's context. The JDK offers h2 by ALPN only when the protocols of
   * its SSLParameters (by default the context's {@code getDefaultSSLParameters()}) include TLSv1.2
   * or TLSv1.3; for a transport whose protocols have other names, TLSv1.3 is added to that list,
   * which the engine then receives through {@code setSSLParameters} and must tolerate.
   */
  static HttpClient client(TransportSecurity security, HttpClient.Version version) {
    SSLParameters params = security.clientContext().getDefaultSSLParameters();
    List<String> protocols = new ArrayList<>(List.of(params.getProtocols()));
    if (!protocols.contains("TLSv1.3") && !protocols.contains("TLSv1.2")) {
      protocols.add("TLSv1.3");
      params.setProtocols(protocols.toArray(new String[0]));
    }
    return HttpClient.newBuilder()
        .sslContext(security.clientContext())
        .sslParameters(params)
        .version(version)
        .connectTimeout(TIMEOUT)
        .build();
  }

  private static URI uri(TransportSecurity security, HttpsServer server, String path) {
    return URI.create("https://" + security.host() + ":" + server.getAddress().getPort() + path);
  }
}
