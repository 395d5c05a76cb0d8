package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * AgentWire only: one long connection through a stack while both sides renew their keys all the
 * time ({@link AgentWireSecurity#rekeyingOften()}): 150 requests, each direction taking dozens of
 * symmetric rekeys and DH steps. A DH step takes the engine out of NOT_HANDSHAKING after the
 * handshake, which Jetty's {@code SslConnection} counts as a TLS renegotiation (and, by default,
 * denies) unless the session's protocol is "TLSv1.3": that security labels both sides so.
 */
@Timeout(60)
class AgentWireRekeyTest {

  private static final int REQUESTS = 150;

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  @Test
  void jettyOverH2KeepsOneConnectionThroughManyDhSteps() throws Exception {
    TransportSecurity security = AgentWireSecurity.rekeyingOften();
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setSslContext(security.clientContext());
    ClientConnector connector = new ClientConnector();
    connector.setSslContextFactory(tls);
    connector.setConnectTimeout(Duration.ofSeconds(10));
    org.eclipse.jetty.client.HttpClient client =
        new org.eclipse.jetty.client.HttpClient(
            new HttpClientTransportDynamic(
                connector,
                new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)),
                HttpClientConnectionFactory.HTTP11));
    client.setMaxConnectionsPerDestination(1);
    client.start();
    closer.add(client, client::stop);

    String echo = "https://" + security.host() + ":" + server.port() + "/echo";
    for (int i = 0; i < REQUESTS; i++) {
      byte[] body = Payloads.bytes(1000 + i * 97);
      ContentResponse r =
          client
              .newRequest(echo)
              .method(HttpMethod.POST)
              .body(new BytesRequestContent(body))
              .timeout(10, TimeUnit.SECONDS)
              .send();
      assertEquals(200, r.getStatus(), "request " + i);
      assertEquals(HttpVersion.HTTP_2, r.getVersion());
      assertArrayEquals(body, r.getContent(), "request " + i);
      server.seen.assertClient(security);
    }
  }

  @Test
  void jdkHttpClientOverHttp11ToHttpsServerThroughManyDhSteps() throws Exception {
    TransportSecurity security = AgentWireSecurity.rekeyingOften();
    JettyEchoServer server = JettyEchoServer.start(security, closer);
    HttpClient client = JdkHttpTest.client(security, HttpClient.Version.HTTP_1_1);
    URI echo = URI.create("https://" + security.host() + ":" + server.port() + "/echo");
    for (int i = 0; i < REQUESTS; i++) {
      byte[] body = Payloads.bytes(1000 + i * 97);
      HttpResponse<byte[]> r =
          client.send(
              HttpRequest.newBuilder(echo)
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, r.statusCode(), "request " + i);
      assertArrayEquals(body, r.body(), "request " + i);
      server.seen.assertClient(security);
    }
  }
}
