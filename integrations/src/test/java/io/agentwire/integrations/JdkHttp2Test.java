package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * {@code java.net.http.HttpClient} asking for HTTP/2 against Jetty's h2 server: h2 is chosen by
 * ALPN inside the handshake (the JDK client offers {@code h2, http/1.1}), so this proves ALPN
 * through both SSLContexts, then several requests share one connection as concurrent streams.
 */
@Timeout(30)
class JdkHttp2Test {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  @OverEachSecurity
  void httpClientSpeaksH2ToJetty(TransportSecurity security) throws Exception {
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    HttpClient client = JdkHttpTest.client(security, HttpClient.Version.HTTP_2);
    URI echo = URI.create("https://" + security.host() + ":" + server.port() + "/echo");

    byte[] body = Payloads.bytes(100_000);
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(echo)
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, response.statusCode());
    assertEquals(HttpClient.Version.HTTP_2, response.version(), "ALPN chose h2");
    assertEquals("HTTP/2.0", response.headers().firstValue("x-protocol").orElse(null));
    assertArrayEquals(body, response.body());
    server.seen.assertClient(security);
    Seen.assertServer(Seen.Peer.of(response.sslSession().orElseThrow()), security);

    // Concurrent streams on the one h2 connection.
    List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      inFlight.add(
          client.sendAsync(
              HttpRequest.newBuilder(echo)
                  .timeout(TIMEOUT)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(Payloads.bytes(i * 1000)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (int i = 1; i <= 8; i++) {
      HttpResponse<byte[]> r = inFlight.get(i - 1).get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, r.version());
      assertArrayEquals(Payloads.bytes(i * 1000), r.body(), "stream " + i);
      server.seen.assertClient(security);
    }
  }
}
