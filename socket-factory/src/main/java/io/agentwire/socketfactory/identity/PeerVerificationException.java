package io.agentwire.socketfactory.identity;

import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The peer's static key is not the one trusted for it: unknown, or changed since it was pinned. The
 * message names the peer and the fingerprints involved, never any secret.
 */
public class PeerVerificationException extends SSLPeerUnverifiedException {
  private static final long serialVersionUID = 1L;

  public PeerVerificationException(String message) {
    super(message);
  }
}
