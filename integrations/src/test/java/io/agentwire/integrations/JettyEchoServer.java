package io.agentwire.integrations;

import java.nio.ByteBuffer;
import java.security.Principal;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty 12 server on 127.0.0.1, any port, over {@code security}'s server context with client auth
 * required; ALPN offers h2 then http/1.1. {@code POST /echo} answers 200 with the request's body,
 * headers {@code x-peer} (the client's principal) and {@code x-protocol} (the HTTP version the
 * server saw); any other path answers 404. Every request's TLS session goes to {@link #seen}.
 */
public final class JettyEchoServer implements AutoCloseable {

  /** What each request's session showed of the client. */
  public final Seen seen = new Seen();

  private final Server server;
  private final ServerConnector connector;

  public static JettyEchoServer start(TransportSecurity security, Closer closer) throws Exception {
    return closer.add(new JettyEchoServer(security));
  }

  private JettyEchoServer(TransportSecurity security) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("jetty-echo");
    server = new Server(threads);

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(security.serverContext());
    tls.setNeedClientAuth(true);

    HttpConfiguration http = new HttpConfiguration();
    // Puts the TLS session in the request attribute EndPoint.SslSessionData.ATTRIBUTE. Its SNI host
    // check (on by default) answers 400 "Invalid SNI" unless SSLSession.getLocalCertificates()[0]
    // is an X509Certificate whose names match the request's Host, so it runs only where the
    // server's certificate names the host.
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(security.serverCertificateNamesHost());
    http.addCustomizer(secure);
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(http11.getProtocol());
    SslConnectionFactory ssl = new SslConnectionFactory(tls, alpn.getProtocol());

    connector = new ServerConnector(server, 1, 1, ssl, alpn, h2, http11);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(10_000);
    server.addConnector(connector);
    server.setHandler(new Echo(seen));
    server.setStopTimeout(2_000);
    server.start();
  }

  /** The port the server listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  private static final class Echo extends Handler.Abstract {
    private final Seen seen;

    Echo(Seen seen) {
      this.seen = seen;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      EndPoint.SslSessionData tls =
          (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
      seen.record(tls == null ? null : tls.sslSession());
      byte[] body = Content.Source.asInputStream(request).readAllBytes();
      Principal peer = tls == null ? null : tls.sslSession().getPeerPrincipal();
      response.getHeaders().put("x-peer", peer == null ? "none" : peer.getName());
      response
          .getHeaders()
          .put("x-protocol", request.getConnectionMetaData().getHttpVersion().asString());
      if (!Request.getPathInContext(request).equals("/echo")) {
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        return true;
      }
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
