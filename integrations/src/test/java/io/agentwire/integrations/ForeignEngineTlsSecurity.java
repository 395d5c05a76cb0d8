package io.agentwire.integrations;

import java.security.KeyManagementException;
import java.security.Principal;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@link TlsSecurity} again, but its contexts come from a provider that is not the JDK's and hand
 * out engines of a class outside {@code java.base} ({@link ForwardingSslEngine}). The TLS is still
 * SunJSSE's; what changes is what a library sees when it inspects the context or the engine, which
 * is what AgentWire's {@code SSLContext} shows it too: Netty's {@code JdkSslContext} treats a
 * non-default provider differently (it probes an engine for protocols and cipher suites), and Jetty
 * picks its ALPN processor by the engine's module (see {@link JettyAlpnForAnyEngine}).
 *
 * <p>Sockets ({@code getSocketFactory()}, {@code getServerSocketFactory()}) are the JDK's own: only
 * engines are wrapped.
 */
public final class ForeignEngineTlsSecurity implements TransportSecurity {

  private static final Provider PROVIDER =
      new Provider("IntegrationForeignTLS", "1.0", "SunJSSE behind a non-JDK SSLEngine class") {
        private static final long serialVersionUID = 1L;
      };

  private static volatile ForeignEngineTlsSecurity shared;

  private final TlsSecurity tls;
  private final SSLContext client;
  private final SSLContext server;

  /** One instance for the whole run, over {@link TlsSecurity#shared()}'s keys. */
  public static ForeignEngineTlsSecurity shared() {
    ForeignEngineTlsSecurity s = shared;
    if (s == null) {
      synchronized (ForeignEngineTlsSecurity.class) {
        s = shared;
        if (s == null) {
          s = new ForeignEngineTlsSecurity(TlsSecurity.shared());
          shared = s;
        }
      }
    }
    return s;
  }

  private ForeignEngineTlsSecurity(TlsSecurity tls) {
    this.tls = tls;
    this.client = wrap(tls.clientContext());
    this.server = wrap(tls.serverContext());
  }

  private static SSLContext wrap(SSLContext inner) {
    return new SSLContext(new Spi(inner), PROVIDER, inner.getProtocol()) {};
  }

  @Override
  public SSLContext clientContext() {
    return client;
  }

  @Override
  public SSLContext serverContext() {
    return server;
  }

  @Override
  public HostnameVerifier hostnameVerifier() {
    return tls.hostnameVerifier();
  }

  @Override
  public X509TrustManager clientTrustManager() {
    return tls.clientTrustManager();
  }

  @Override
  public boolean hasPeerCertificates() {
    return tls.hasPeerCertificates();
  }

  @Override
  public boolean serverCertificateNamesHost() {
    return tls.serverCertificateNamesHost();
  }

  @Override
  public String clientSessionProtocol() {
    return tls.clientSessionProtocol();
  }

  @Override
  public String serverSessionProtocol() {
    return tls.serverSessionProtocol();
  }

  @Override
  public Principal clientPrincipal() {
    return tls.clientPrincipal();
  }

  @Override
  public Principal serverPrincipal() {
    return tls.serverPrincipal();
  }

  @Override
  public String toString() {
    return "TLS 1.3 (SunJSSE) through a non-JDK SSLEngine";
  }

  /** Forwards to an initialised context; its engines come back wrapped. */
  private static final class Spi extends SSLContextSpi {
    private final SSLContext inner;

    Spi(SSLContext inner) {
      this.inner = inner;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("already initialised over " + inner);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return inner.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return inner.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return new ForwardingSslEngine(inner.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return new ForwardingSslEngine(inner.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return inner.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return inner.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return inner.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return inner.getSupportedSSLParameters();
    }
  }
}
