package io.agentwire.socketfactory;

import java.security.PublicKey;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Decides whether a peer's authenticated static key is acceptable for the name it was reached by.
 */
@FunctionalInterface
public interface PeerVerifier {

  /**
   * @param peer the host name (or agent name) the connection was made to or claims
   * @param key the peer's static key, proven by the Noise handshake
   * @throws SSLPeerUnverifiedException to refuse the peer
   */
  void verify(String peer, PublicKey key) throws SSLPeerUnverifiedException;
}
