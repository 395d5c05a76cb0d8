package io.agentwire.socketfactory.internal;

import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.internal.protocol.ConnectionCore;
import io.agentwire.socketfactory.internal.protocol.Framing;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSessionBindingEvent;
import javax.net.ssl.SSLSessionBindingListener;
import javax.net.ssl.SSLSessionContext;

/** The {@link AgentSession} of one connection; immutable after the handshake except values. */
public final class AgentSessionImpl implements AgentSession {

  public static final String PROTOCOL = Framing.AGENTWIRE.sessionProtocol();
  public static final String RAW_PROTOCOL = Framing.RAW_NOISE.sessionProtocol();

  private final String cipherSuite;
  private final String protocol;
  private final String wireProtocol;
  private final byte[] handshakeHash;
  private final byte[] id;
  private final AgentPrincipal peer;
  private final AgentPrincipal local;
  private final String peerHost;
  private final int peerPort;
  private final int applicationBuffer;
  private final int packetBuffer;
  private final long creationTime = System.currentTimeMillis();
  private volatile long lastAccessed = creationTime;
  private volatile boolean valid;
  private final Map<String, Object> values = new ConcurrentHashMap<>();
  private volatile X509Certificate peerCertificate;
  private volatile String verifiedName; // what the PeerVerifier returned, null for none
  private volatile X509Certificate localCertificate;

  private AgentSessionImpl(
      String cipherSuite,
      String protocol,
      byte[] handshakeHash,
      AgentPrincipal peer,
      AgentPrincipal local,
      String peerHost,
      int peerPort,
      int applicationBuffer,
      int packetBuffer,
      String label,
      boolean valid) {
    this.cipherSuite = cipherSuite;
    this.wireProtocol = protocol;
    this.protocol = label != null && !"NONE".equals(protocol) ? label : protocol;
    this.handshakeHash = handshakeHash;
    this.id = idFor(handshakeHash);
    this.peer = peer;
    this.local = local;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
    this.applicationBuffer = applicationBuffer;
    this.packetBuffer = packetBuffer;
    this.valid = valid;
  }

  static AgentSessionImpl established(
      ConnectionCore wire, AgentSocketConfig config, String peerHost, int peerPort) {
    PublicKey peerKey = wire.peerStatic();
    AgentPrincipal peer = peerKey == null ? null : new AgentPrincipal(wire.peerName(), peerKey);
    AgentPrincipal local =
        config.identity() == null ? null : new AgentPrincipal(null, config.identity().publicKey());
    AgentSessionImpl session =
        new AgentSessionImpl(
            wire.protocolName(),
            wire.framing().sessionProtocol(),
            wire.handshakeHash(),
            peer,
            local,
            peerHost,
            peerPort,
            ConnectionCore.applicationBufferSize(config),
            ConnectionCore.packetBufferSize(config),
            config.sessionProtocolLabel(),
            true);
    session.verifiedName = wire.peerName();
    return session;
  }

  /** What {@code getSession()} returns when there is no handshake: invalid, JSSE's null suite. */
  static AgentSessionImpl none(AgentSocketConfig config, String peerHost, int peerPort) {
    return new AgentSessionImpl(
        "SSL_NULL_WITH_NULL_NULL",
        "NONE",
        new byte[0],
        null,
        null,
        peerHost,
        peerPort,
        ConnectionCore.applicationBufferSize(config),
        ConnectionCore.packetBufferSize(config),
        null,
        false);
  }

  private static byte[] idFor(byte[] h) {
    if (h.length == 0) {
      return new byte[0];
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("AgentWire session id".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return Arrays.copyOf(d.digest(h), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] getHandshakeHash() {
    return handshakeHash.clone();
  }

  @Override
  public Optional<AgentPrincipal> peer() {
    return Optional.ofNullable(peer);
  }

  @Override
  public String wireProtocol() {
    return wireProtocol;
  }

  @Override
  public byte[] getId() {
    return id.clone();
  }

  @Override
  public SSLSessionContext getSessionContext() {
    return null; // Noise has no resumption: nothing to cache
  }

  @Override
  public long getCreationTime() {
    return creationTime;
  }

  @Override
  public long getLastAccessedTime() {
    return lastAccessed;
  }

  void touch() {
    lastAccessed = System.currentTimeMillis();
  }

  @Override
  public void invalidate() {
    valid = false;
  }

  @Override
  public boolean isValid() {
    return valid;
  }

  @Override
  public void putValue(String name, Object value) {
    Object old = values.put(name, value);
    if (old instanceof SSLSessionBindingListener) {
      ((SSLSessionBindingListener) old).valueUnbound(new SSLSessionBindingEvent(this, name));
    }
    if (value instanceof SSLSessionBindingListener) {
      ((SSLSessionBindingListener) value).valueBound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public Object getValue(String name) {
    return values.get(name);
  }

  @Override
  public void removeValue(String name) {
    Object old = values.remove(name);
    if (old instanceof SSLSessionBindingListener) {
      ((SSLSessionBindingListener) old).valueUnbound(new SSLSessionBindingEvent(this, name));
    }
  }

  @Override
  public String[] getValueNames() {
    return values.keySet().toArray(new String[0]);
  }

  /**
   * The peer as X.509-expecting code needs it: one {@link PeerAttestation} certificate whose key is
   * the peer's proven static key and whose subject alternative name is the name the {@code
   * PeerVerifier} authenticated it for, so a standard hostname verifier accepts exactly that name.
   * It is signed by this process, not by a CA: it presents what the handshake proved, and proves
   * nothing more.
   */
  @Override
  public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
    if (peer == null) {
      throw new SSLPeerUnverifiedException(
          valid
              ? cipherSuite
                  + " gave the peer no authenticated static key, so there is nothing to"
                  + " present as a certificate"
              : "no AgentWire handshake has completed");
    }
    X509Certificate c = peerCertificate;
    if (c == null) {
      c =
          PeerAttestation.attest(
              peer.publicKey(), verifiedName, Instant.ofEpochMilli(creationTime));
      peerCertificate = c;
    }
    return new Certificate[] {c};
  }

  /** The local static key, attested the same way, without a name; {@code null} without one. */
  @Override
  public Certificate[] getLocalCertificates() {
    if (local == null || !valid) {
      return null;
    }
    X509Certificate c = localCertificate;
    if (c == null) {
      c = PeerAttestation.attest(local.publicKey(), null, Instant.ofEpochMilli(creationTime));
      localCertificate = c;
    }
    return new Certificate[] {c};
  }

  @Override
  public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
    if (peer == null) {
      throw new SSLPeerUnverifiedException(
          valid
              ? cipherSuite + " gave the peer no authenticated static key"
              : "no AgentWire handshake has completed");
    }
    return peer;
  }

  @Override
  public Principal getLocalPrincipal() {
    return local;
  }

  @Override
  public String getCipherSuite() {
    return cipherSuite;
  }

  @Override
  public String getProtocol() {
    return protocol;
  }

  @Override
  public String getPeerHost() {
    return peerHost;
  }

  @Override
  public int getPeerPort() {
    return peerPort;
  }

  @Override
  public int getPacketBufferSize() {
    return packetBuffer;
  }

  @Override
  public int getApplicationBufferSize() {
    return applicationBuffer;
  }

  @Override
  public String toString() {
    return "AgentSession["
        + cipherSuite
        + ", peer="
        + (peer == null ? "anonymous" : peer.getName() + " " + peer.fingerprint())
        + "]";
  }
}
