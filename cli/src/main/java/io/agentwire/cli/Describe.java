package io.agentwire.cli;

import io.agentwire.socketfactory.AgentSession;
import io.agentwire.socketfactory.identity.AgentPrincipal;

/** One-line descriptions of connections for the logs. */
final class Describe {

  private Describe() {}

  static String connection(String what, AgentSession session, long handshakeMicros) {
    String peer =
        session
            .peer()
            .map(AgentPrincipal::fingerprint)
            .orElse("anonymous (the pattern gives it no static key)");
    return what
        + ": peer "
        + peer
        + ", "
        + session.getCipherSuite()
        + ", handshake "
        + String.format("%.1f ms", handshakeMicros / 1000.0);
  }
}
