package io.agentwire.provider.noise;

/**
 * When a handshake pattern authenticates the peer's static key to one party (Noise revision 34,
 * section 7.7, source properties 1 and 2; the same rule applied to the deferred patterns of section
 * 18): the first message received from the peer whose payload is encrypted under a key that depends
 * on a DH between the peer's static key and one of this party's keys ({@code se} or {@code ss} when
 * the peer is the initiator, {@code es} or {@code ss} when it is the responder; in a Bob-initiated
 * fallback pattern, section 10.2, the first letter still names Alice's key). Until then the peer's
 * key is only claimed: anyone may send a static public key, and a pre-shared key (section 9) proves
 * knowledge of the PSK, never of a static key. Immutable; compare with {@link #equals}.
 */
public final class PeerProof {

  /** The three answers. */
  public enum Kind {
    /** Handshake message {@link #message()} from the peer proves its static key. */
    HANDSHAKE_MESSAGE,
    /**
     * The DH happens, but the peer sends no handshake message after it: only the first transport
     * message from the peer proves the key (for example the responder's view in KN, IN, KX, IX).
     */
    FIRST_TRANSPORT_MESSAGE,
    /**
     * Never: the peer has no static key, no DH involves it, or the peer never sends (the
     * initiator's view in the one-way patterns N, K and X, section 7.4).
     */
    NEVER
  }

  /** The peer's static key is never authenticated to this party. */
  public static final PeerProof NEVER = new PeerProof(Kind.NEVER, 0);

  /** Only the peer's first transport message authenticates its static key. */
  public static final PeerProof FIRST_TRANSPORT_MESSAGE =
      new PeerProof(Kind.FIRST_TRANSPORT_MESSAGE, 0);

  private final Kind kind;
  private final int message;

  private PeerProof(Kind kind, int message) {
    this.kind = kind;
    this.message = message;
  }

  /**
   * Proof by handshake message {@code message}, numbered from 1 as the pskN modifiers are (section
   * 9.2).
   */
  public static PeerProof atHandshakeMessage(int message) {
    if (message < 1) {
      throw new IllegalArgumentException("handshake messages are numbered from 1, not " + message);
    }
    return new PeerProof(Kind.HANDSHAKE_MESSAGE, message);
  }

  public Kind kind() {
    return kind;
  }

  /** Whether a handshake message proves the key, so it can be checked before the handshake ends. */
  public boolean byHandshakeMessage() {
    return kind == Kind.HANDSHAKE_MESSAGE;
  }

  /**
   * The number (from 1) of the handshake message that proves the key.
   *
   * @throws IllegalStateException unless {@link #byHandshakeMessage()}
   */
  public int message() {
    if (kind != Kind.HANDSHAKE_MESSAGE) {
      throw new IllegalStateException("no handshake message proves the key: " + this);
    }
    return message;
  }

  /**
   * Whether the key is proven once the handshake has processed its messages 1 to {@code
   * messagesDone} (written or read).
   */
  public boolean provenAfter(int messagesDone) {
    return kind == Kind.HANDSHAKE_MESSAGE && messagesDone >= message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerProof
        && ((PeerProof) o).kind == kind
        && ((PeerProof) o).message == message;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + message;
  }

  /** "handshake message 2", "first transport message" or "never". */
  @Override
  public String toString() {
    switch (kind) {
      case HANDSHAKE_MESSAGE:
        return "handshake message " + message;
      case FIRST_TRANSPORT_MESSAGE:
        return "first transport message";
      default:
        return "never";
    }
  }
}
