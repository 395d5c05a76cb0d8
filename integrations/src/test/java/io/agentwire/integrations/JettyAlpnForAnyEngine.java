package io.agentwire.integrations;

import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.alpn.client.ALPNClientConnection;
import org.eclipse.jetty.alpn.server.ALPNServerConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.ALPNProcessor;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * Jetty's ALPN for engines whose class is not in {@code java.base}.
 *
 * <p>Jetty finds its ALPN processors with {@link java.util.ServiceLoader} and uses the first whose
 * {@code appliesTo(SSLEngine)} is true. The ones it ships for the JDK (jetty-alpn-java-server and
 * -client) apply only when {@code engine.getClass().getModule()} is {@code java.base}, so with any
 * other engine (AgentWire's, or {@link ForwardingSslEngine}) {@code ALPNServerConnectionFactory}
 * fails every connection with "No ALPNProcessor for ..." and h2 over TLS cannot start. These two
 * processors do the same work through the standard JSSE ALPN API (Java 9+) for all other engines;
 * they are registered in {@code META-INF/services} of the test resources.
 */
public final class JettyAlpnForAnyEngine {

  private JettyAlpnForAnyEngine() {}

  /** True for engines Jetty's own JDK processors leave alone. */
  static boolean foreign(SSLEngine engine) {
    Module module = engine.getClass().getModule();
    return module == null || !"java.base".equals(module.getName());
  }

  /** Server side: the engine's handshake selector asks the ALPN connection to choose. */
  public static final class Server implements ALPNProcessor.Server {
    @Override
    public boolean appliesTo(SSLEngine engine) {
      return foreign(engine);
    }

    @Override
    public void configure(SSLEngine engine, Connection connection) {
      ALPNServerConnection alpn = (ALPNServerConnection) connection;
      engine.setHandshakeApplicationProtocolSelector(
          (e, offered) -> {
            if (offered.isEmpty()) {
              // SunJSSE calls the selector only when the client sent ALPN; an engine that calls it
              // with nothing offered gets "none" here (the listener then falls back to the
              // default protocol), where Jetty's select() would fail the handshake.
              return "";
            }
            try {
              alpn.select(offered);
              return alpn.getProtocol();
            } catch (RuntimeException noCommonProtocol) {
              // null makes the engine fail the handshake with no_application_protocol.
              return null;
            }
          });
      ((SslConnection.SslEndPoint) alpn.getEndPoint())
          .getSslConnection()
          .addHandshakeListener(
              new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                  // The client offered no ALPN at all: the selector never ran.
                  if (alpn.getProtocol() == null) {
                    alpn.unsupported();
                  }
                }
              });
    }
  }

  /** Client side: offers the connection's protocols, then reports the engine's choice. */
  public static final class Client implements ALPNProcessor.Client {
    @Override
    public boolean appliesTo(SSLEngine engine) {
      return foreign(engine);
    }

    @Override
    public void configure(SSLEngine engine, Connection connection) {
      ALPNClientConnection alpn = (ALPNClientConnection) connection;
      SSLParameters params = engine.getSSLParameters();
      List<String> protocols = alpn.getProtocols();
      params.setApplicationProtocols(protocols.toArray(new String[0]));
      engine.setSSLParameters(params);
      ((SslConnection.SslEndPoint) connection.getEndPoint())
          .getSslConnection()
          .addHandshakeListener(
              new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                  String chosen = alpn.getSSLEngine().getApplicationProtocol();
                  alpn.selected(chosen == null || chosen.isEmpty() ? null : chosen);
                }
              });
    }
  }
}
