package io.agentwire.integrations;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Netty {@link SslContext}s made from the security's {@code SSLContext} through {@link
 * JdkSslContext}: the JDK provider path, never OpenSSL. Cipher suites and protocols are left to the
 * context's engines (null lists, {@link IdentityCipherSuiteFilter}), so whatever the context's
 * engines enable is what runs.
 */
final class NettyTls {

  private NettyTls() {}

  /** ALPN offering (client) or accepting (server) {@code protocols}, in preference order. */
  static ApplicationProtocolConfig alpn(String... protocols) {
    return protocols.length == 0
        ? ApplicationProtocolConfig.DISABLED
        : new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            // The only failure behaviours the JDK's ALPN supports.
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            protocols);
  }

  static SslContext server(TransportSecurity security, ApplicationProtocolConfig alpn) {
    return new JdkSslContext(
        security.serverContext(),
        false,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        alpn,
        ClientAuth.REQUIRE,
        null,
        false);
  }

  static SslContext client(TransportSecurity security, ApplicationProtocolConfig alpn) {
    return new JdkSslContext(
        security.clientContext(),
        true,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        alpn,
        ClientAuth.NONE,
        null,
        false);
  }

  /**
   * A client handler for {@code host}:{@code port}: the engine checks the server's name itself
   * (endpoint identification "HTTPS", which a JdkSslContext made from an SSLContext does not turn
   * on).
   */
  static SslHandler clientHandler(SslContext ctx, ByteBufAllocator alloc, String host, int port) {
    SSLEngine engine = ctx.newEngine(alloc, host, port);
    SSLParameters p = engine.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(10_000);
    return handler;
  }

  /** Where the security has a HostnameVerifier, applies it to a finished handshake. */
  static void verifyHost(TransportSecurity security, String host, SslHandler handler)
      throws SSLPeerUnverifiedException {
    if (security.hostnameVerifier() != null
        && !security.hostnameVerifier().verify(host, handler.engine().getSession())) {
      throw new SSLPeerUnverifiedException("the server is not " + host);
    }
  }
}
