package io.agentwire.integrations;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.socketfactory.RekeyPolicy;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * AgentWire: mutually authenticated Noise through {@code SSLContext}s from {@link
 * AgentWireJsseProvider#newContext}. The client pins the server's static key for {@code localhost}
 * (so endpoint identification passes for that name and no other); the server accepts exactly the
 * client's key. The client's sessions name themselves "TLSv1.3" ({@code sessionProtocolLabel}) for
 * clients such as OkHttp that accept only TLS version names; the server's name the wire protocol.
 */
public final class AgentWireSecurity implements TransportSecurity {

  private static final String CLIENT_LABEL = "TLSv1.3";

  /** The wire protocol, which sessions name unless configured with a label. */
  private static final String WIRE_PROTOCOL = "AgentWire/2";

  private static volatile AgentWireSecurity shared;
  private static volatile AgentWireSecurity rekeying;

  private final AgentIdentity server = AgentIdentity.generate();
  private final AgentIdentity client = AgentIdentity.generate();
  private final SSLContext serverContext;
  private final SSLContext clientContext;

  /** One pair of identities for the whole run. */
  public static AgentWireSecurity shared() {
    AgentWireSecurity s = shared;
    if (s == null) {
      synchronized (AgentWireSecurity.class) {
        s = shared;
        if (s == null) {
          s = new AgentWireSecurity();
          shared = s;
        }
      }
    }
    return s;
  }

  /**
   * Keys renewed all the time on both sides: a symmetric rekey every 4 records and a DH step every
   * 8 records or 5 ms, so a connection of a few hundred records sees dozens of each in both
   * directions (and the engines' handshake status leaves NOT_HANDSHAKING for each DH step).
   *
   * <p>The server's sessions too are labelled "TLSv1.3" here. Jetty's {@code SslConnection} takes
   * any handshake status but NOT_HANDSHAKING after the handshake for a TLS renegotiation unless
   * {@code getSession().getProtocol()} is "TLSv1.3", and in 12.1.14 {@code SslContextFactory}
   * allows no renegotiation unless told to ({@code setRenegotiationAllowed(true)}, limit 5), so
   * without the label the first DH step ends the connection ("Renegotiation denied", then a
   * ClosedChannelException in the client). {@link #shared()} leaves the server's sessions named by
   * the wire protocol: its default policy takes no DH step within a test.
   */
  public static AgentWireSecurity rekeyingOften() {
    AgentWireSecurity s = rekeying;
    if (s == null) {
      synchronized (AgentWireSecurity.class) {
        s = rekeying;
        if (s == null) {
          s =
              new AgentWireSecurity(
                  RekeyPolicy.of(4, 64 * 1024, Duration.ofMillis(5)).withDhEveryMessages(8));
          rekeying = s;
        }
      }
    }
    return s;
  }

  private final String name;
  private final String serverProtocol;

  private AgentWireSecurity() {
    this(null);
  }

  private AgentWireSecurity(RekeyPolicy rekeys) {
    this.name = rekeys == null ? "AgentWire (Noise)" : "AgentWire (Noise), rekeying often";
    this.serverProtocol = rekeys == null ? WIRE_PROTOCOL : CLIENT_LABEL;
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    try {
      pins.pin(host(), server.publicKey());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    serverContext =
        AgentWireJsseProvider.newContext(
            withRekeys(
                AgentSocketConfig.builder()
                    .identity(server)
                    .peerVerifier(PeerVerifier.onlyKey(client.publicKey()))
                    .sessionProtocolLabel(rekeys == null ? null : CLIENT_LABEL),
                rekeys));
    clientContext =
        AgentWireJsseProvider.newContext(
            withRekeys(
                AgentSocketConfig.builder()
                    .identity(client)
                    .peerVerifier(pins)
                    .sessionProtocolLabel(CLIENT_LABEL),
                rekeys));
  }

  private static AgentSocketConfig withRekeys(AgentSocketConfig.Builder b, RekeyPolicy rekeys) {
    return (rekeys == null ? b : b.rekeyPolicy(rekeys)).build();
  }

  @Override
  public SSLContext clientContext() {
    return clientContext;
  }

  @Override
  public SSLContext serverContext() {
    return serverContext;
  }

  /** None: the sessions' attestation certificates satisfy each library's own verifier. */
  @Override
  public HostnameVerifier hostnameVerifier() {
    return null;
  }

  /**
   * For OkHttp's chain cleaner only (it never decides trust here: the handshake did). It trusts no
   * issuer, so OkHttp's {@code Handshake.peerCertificates()} comes out empty.
   */
  @Override
  public X509TrustManager clientTrustManager() {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("AgentWire decides trust in handshakes");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("AgentWire decides trust in handshakes");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }

  /** The peer's attestation certificate names the host the client pinned the server's key for. */
  @Override
  public boolean hasPeerCertificates() {
    return true;
  }

  /** The server's own attestation certificate names no host: the server was not dialed by name. */
  @Override
  public boolean serverCertificateNamesHost() {
    return false;
  }

  @Override
  public String clientSessionProtocol() {
    return CLIENT_LABEL;
  }

  @Override
  public String serverSessionProtocol() {
    return serverProtocol;
  }

  /** Equal by key; named by its fingerprint, since the server's verifier knows it by no name. */
  @Override
  public Principal clientPrincipal() {
    AgentPrincipal key = new AgentPrincipal("client", client.publicKey());
    return new AgentPrincipal(key.fingerprint(), client.publicKey());
  }

  @Override
  public Principal serverPrincipal() {
    return new AgentPrincipal(host(), server.publicKey());
  }

  @Override
  public String toString() {
    return name;
  }
}
