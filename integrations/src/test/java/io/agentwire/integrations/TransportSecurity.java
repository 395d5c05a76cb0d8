package io.agentwire.integrations;

import java.security.Principal;
import java.util.stream.Stream;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * What a stack needs to run over one kind of transport security: the two contexts, how the client
 * checks the server's name, the name it dials, and whom each side should see as its peer.
 *
 * <p>Every stack test runs once per entry of {@link #all()}; a second implementation (AgentWire's)
 * is one more entry there.
 */
public interface TransportSecurity {

  /**
   * The implementations every stack test runs over: the JDK's TLS (the reference), the same TLS
   * behind a non-JDK engine class, AgentWire, and AgentWire renewing its keys all the time.
   */
  static Stream<TransportSecurity> all() {
    return Stream.of(
        TlsSecurity.shared(),
        ForeignEngineTlsSecurity.shared(),
        AgentWireSecurity.shared(),
        AgentWireSecurity.rekeyingOften());
  }

  /** The client's context: its own identity (clients authenticate too) and whom it trusts. */
  SSLContext clientContext();

  /** The server's context: its identity and whom it trusts; servers require client auth. */
  SSLContext serverContext();

  /**
   * The verifier clients install where their library takes one, or null for the library's own
   * default (which for TLS checks the certificate's subjectAltName against {@link #host()}).
   */
  HostnameVerifier hostnameVerifier();

  /**
   * The trust manager for libraries that insist on one beside the socket factory (OkHttp uses it to
   * clean certificate chains and for pinning). For TLS it is the one inside {@link
   * #clientContext()}.
   */
  X509TrustManager clientTrustManager();

  /**
   * Whether a client's session shows the server as X.509 certificates ({@code
   * getPeerCertificates()}) naming {@link #host()}, so that certificate-reading hostname verifiers
   * work. Apache HttpClient calls a HostnameVerifier only after taking {@code
   * getPeerCertificates()[0]} as an X509Certificate; without them its clients are left to the
   * engine's own endpoint identification.
   */
  boolean hasPeerCertificates();

  /**
   * Whether the server's own session ({@code getLocalCertificates()[0]}) is an X.509 certificate
   * naming {@link #host()}. Jetty's SNI host check (on by default in {@code
   * SecureRequestCustomizer}) answers 400 "Invalid SNI" to every request otherwise, so the Jetty
   * server runs that check only where this holds.
   */
  boolean serverCertificateNamesHost();

  /** The name clients connect to; servers listen on 127.0.0.1 and it must resolve there. */
  default String host() {
    return "localhost";
  }

  /**
   * Another name that reaches the same server (it listens on 127.0.0.1) but is not the server's: a
   * client that dials it must refuse the server.
   */
  default String otherName() {
    return "127.0.0.1";
  }

  /** What the client's {@code SSLSession.getProtocol()} reports once the handshake is done. */
  String clientSessionProtocol();

  /** What the server's {@code SSLSession.getProtocol()} reports once the handshake is done. */
  String serverSessionProtocol();

  /** The principal the server's session shows for the authenticated client. */
  Principal clientPrincipal();

  /** The principal the client's session shows for the authenticated server. */
  Principal serverPrincipal();
}
