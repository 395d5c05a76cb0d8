package io.agentwire.socketfactory;

import java.util.Objects;
import javax.net.ssl.SSLProtocolException;

/**
 * An {@link SSLProtocolException} of the AgentWire wire protocol: a record or frame after the
 * handshake broke the protocol. Code written for JSSE catches it as an {@code
 * SSLProtocolException}; code that knows AgentWire branches on {@link #reason()}. Messages never
 * contain key material. Immutable.
 */
public final class AgentProtocolException extends SSLProtocolException {

  private static final long serialVersionUID = 1L;

  private final FailureReason reason;

  /** A failure for {@code reason}, with a message that says what was wrong. */
  public AgentProtocolException(FailureReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public AgentProtocolException(FailureReason reason, String message, Throwable cause) {
    this(reason, message);
    initCause(cause);
  }

  /** Why the connection failed. */
  public FailureReason reason() {
    return reason;
  }
}
