package io.agentwire.socketfactory.identity;

import java.security.PublicKey;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Decides whether a peer's authenticated static key is acceptable. AgentWire calls it once per
 * connection, after the Noise handshake has proven that the peer holds the key and before any
 * application data is exchanged. Implementations must be thread-safe: one verifier serves every
 * connection of a factory.
 */
@FunctionalInterface
public interface PeerVerifier {

  /**
   * @param peer the host name (or agent name) the key must be pinned for, when endpoint
   *     identification is on; {@code null} when any trusted key will do (a server verifying a
   *     client, or a client with endpoint identification switched off)
   * @param key the peer's static key, proven by the Noise handshake
   * @return the name the peer is known by, for {@link AgentPrincipal#getName()}; {@code null} to
   *     name it by its fingerprint
   * @throws SSLPeerUnverifiedException to refuse the peer; the message should name the peer and the
   *     key's fingerprint, never a secret
   */
  String verify(String peer, PublicKey key) throws SSLPeerUnverifiedException;

  /**
   * The key already trusted for {@code peer}, if this verifier knows one. A client uses it to start
   * with a pattern that needs the server's key in advance (IK) instead of XX.
   */
  default Optional<PublicKey> knownKey(String peer) {
    return Optional.empty();
  }

  /**
   * Accepts every key. Only for tests, demos and protocols that authenticate the peer some other
   * way: it gives up the mutual authentication that is the reason to use AgentWire. It names the
   * peer by the host it was reached by, so the session's attestation certificate carries that host
   * for a key nobody checked, as a trust-all {@code TrustManager} would in TLS.
   */
  static PeerVerifier anyPeer() {
    return (peer, key) -> peer;
  }

  /** Accepts exactly {@code expected}, under whatever name the peer was reached by. */
  static PeerVerifier onlyKey(PublicKey expected) {
    byte[] raw = AgentKeys.raw(expected);
    return new PeerVerifier() {
      @Override
      public String verify(String peer, PublicKey key) throws PeerVerificationException {
        if (!java.security.MessageDigest.isEqual(raw, AgentKeys.raw(key))) {
          throw new PeerVerificationException(
              (peer == null ? "the peer" : peer)
                  + " presented "
                  + AgentKeys.fingerprint(key)
                  + ", not the expected "
                  + AgentKeys.fingerprint(expected));
        }
        return peer;
      }

      @Override
      public Optional<PublicKey> knownKey(String peer) {
        return Optional.of(expected);
      }
    };
  }
}
