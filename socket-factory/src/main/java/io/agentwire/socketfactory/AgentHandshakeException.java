package io.agentwire.socketfactory;

import java.util.Objects;
import javax.net.ssl.SSLHandshakeException;

/**
 * An {@link SSLHandshakeException} of the AgentWire wire protocol: the handshake failed. Code
 * written for JSSE catches it as an {@code SSLHandshakeException}; code that knows AgentWire
 * branches on {@link #reason()}. Messages never contain key material. Immutable.
 */
public final class AgentHandshakeException extends SSLHandshakeException {

  private static final long serialVersionUID = 1L;

  private final FailureReason reason;

  /** A failure for {@code reason}, with a message that says what was wrong. */
  public AgentHandshakeException(FailureReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public AgentHandshakeException(FailureReason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  /** Why the connection failed. */
  public FailureReason reason() {
    return reason;
  }
}
