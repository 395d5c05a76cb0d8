package io.agentwire.socketfactory;

import io.agentwire.socketfactory.identity.AgentPrincipal;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The {@link SSLSession} of an AgentWire connection, with what Noise offers in place of
 * certificates. {@link #getCipherSuite()} is the Noise protocol name (for example {@code
 * Noise_XX_25519_ChaChaPoly_BLAKE2s}); {@link #getProtocol()} is {@code AgentWire/2} (or {@code
 * Noise} in raw mode); {@link #getPeerPrincipal()} is an {@link AgentPrincipal} when the peer has a
 * static key; {@link #getPeerCertificates()} always throws, since Noise has no certificates.
 * Thread-safe.
 */
public interface AgentSession extends SSLSession {

  /**
   * The Noise handshake hash h (revision 34, section 11.2): unique to this connection and equal on
   * both ends, for channel binding. A copy; empty before the handshake completes.
   */
  byte[] getHandshakeHash();

  /** The peer, when its pattern gave it a static key. */
  Optional<AgentPrincipal> peer();

  /**
   * The wire protocol this connection speaks: {@code AgentWire/2}, or {@code Noise} in raw mode;
   * {@link #getProtocol()} says the same unless {@link
   * AgentSocketConfig.Builder#sessionProtocolLabel} relabels it for a TLS-only client.
   */
  String wireProtocol();
}
