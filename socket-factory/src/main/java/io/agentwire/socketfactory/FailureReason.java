package io.agentwire.socketfactory;

import java.util.Optional;

/**
 * Why an AgentWire connection failed, so that callers can branch without parsing messages. Every
 * {@link javax.net.ssl.SSLException} the wire protocol raises ({@link AgentHandshakeException},
 * {@link AgentProtocolException}, {@link AgentConnectionException}) carries one, and a refused or
 * unproven peer key is an {@code SSLPeerUnverifiedException}; {@link #of} finds the reason in any
 * exception or its causes. The sections are those of {@code docs/PROTOCOL.md}.
 */
public enum FailureReason {
  /** The peer speaks something else: no AgentWire hello, a TLS ClientHello, plain text (2.1, 6). */
  NOT_AGENTWIRE,
  /** The peers speak different AgentWire versions, or unknown hello flags (2.1, 2.2). */
  UNSUPPORTED_VERSION,
  /** A frame, hello, response, handshake message or record breaks the format (1 to 4). */
  MALFORMED,
  /** The server refused the client's protocol, or the client's offer is not enabled (2.2). */
  PROTOCOL_REFUSED,
  /**
   * ALPN: the server supports none of the application protocols the client offered, or chose one
   * the client did not offer (2.6).
   */
  NO_APPLICATION_PROTOCOL,
  /** This side cannot run any enabled protocol with its keys, PSK or settings. */
  NOT_RUNNABLE,
  /** A FALLBACK response that does not follow the client's protocol (2.4). */
  BAD_FALLBACK,
  /** A handshake message or record failed authentication: altered, replayed, reordered, forged. */
  AUTHENTICATION_FAILED,
  /** A record or DH step message arrived where the protocol does not allow it (4.2). */
  UNEXPECTED_MESSAGE,
  /**
   * The peer's static key was not proven, or the verifier refused it (2.5). Raised as the JDK's
   * {@link javax.net.ssl.SSLPeerUnverifiedException} (or the verifier's own subclass of it, such as
   * {@code PeerVerificationException}), which {@link #of} maps to this reason.
   */
  PEER_UNVERIFIED,
  /** The peer's DH step key is unusable (4.2). */
  BAD_KEY_SHARE,
  /** The peer ended the connection with an ALERT; the message shows its reason (4). */
  PEER_ALERT,
  /** The peer closed the stream during the handshake. */
  PEER_CLOSED,
  /** The handshake did not finish within the handshake timeout (6). */
  HANDSHAKE_TIMEOUT,
  /** The stream ended without the authenticated CLOSE record, or inside a frame (4). */
  TRUNCATED,
  /** The operation is not possible on this connection (a one-way pattern's responder writing). */
  NOT_PERMITTED,
  /** A local cryptographic failure (a key could not be generated, a rekey failed). */
  INTERNAL;

  private static final int MAX_CAUSES = 32;

  /** The reason carried by {@code t} or the nearest of its causes, if any. */
  public static Optional<FailureReason> of(Throwable t) {
    // Bounded: initCause refuses only a cause equal to itself, so a longer cycle is possible.
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_CAUSES; depth++, c = c.getCause()) {
      if (c instanceof AgentHandshakeException) {
        return Optional.of(((AgentHandshakeException) c).reason());
      }
      if (c instanceof AgentProtocolException) {
        return Optional.of(((AgentProtocolException) c).reason());
      }
      if (c instanceof AgentConnectionException) {
        return Optional.of(((AgentConnectionException) c).reason());
      }
      if (c instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        return Optional.of(PEER_UNVERIFIED);
      }
    }
    return Optional.empty();
  }
}
