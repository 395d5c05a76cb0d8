package io.agentwire.socketfactory;

import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * An {@link SSLException} of the AgentWire wire protocol: an established connection failed. Code
 * written for JSSE catches it as an {@code SSLException}; code that knows AgentWire branches on
 * {@link #reason()}. Messages never contain key material. Immutable.
 */
public final class AgentConnectionException extends SSLException {

  private static final long serialVersionUID = 1L;

  private final FailureReason reason;

  /** A failure for {@code reason}, with a message that says what was wrong. */
  public AgentConnectionException(FailureReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public AgentConnectionException(FailureReason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  /** Why the connection failed. */
  public FailureReason reason() {
    return reason;
  }
}
