package io.agentwire.socketfactory.internal.protocol;

import io.agentwire.socketfactory.AgentSocketConfig;
import java.util.List;
import java.util.Objects;

/**
 * What one connection runs: the configuration and what its adapter (a socket, later an engine)
 * knows when the connection starts. Immutable; the one argument of {@link ConnectionCore} and
 * {@link Negotiation}.
 *
 * @param config the configuration the socket factory was built with
 * @param client whether this side starts the handshake
 * @param host the name the client connected to (client side; {@code null} on the server)
 * @param identifyEndpoint whether the peer's key must be pinned for {@code host}; always false on
 *     the server
 * @param suites the enabled Noise protocol names, in preference order
 * @param needPeerStatic whether the peer must prove a static key
 */
public record ConnectionSettings(
    AgentSocketConfig config,
    boolean client,
    String host,
    boolean identifyEndpoint,
    List<String> suites,
    boolean needPeerStatic) {

  /** Copies {@code suites} and drops endpoint identification on the server. */
  public ConnectionSettings {
    Objects.requireNonNull(config, "config");
    suites = List.copyOf(suites);
    if (suites.isEmpty()) {
      throw new IllegalArgumentException("a connection needs at least one enabled suite");
    }
    identifyEndpoint = identifyEndpoint && client;
  }

  /** How the connection frames its bytes. */
  public Framing framing() {
    return Framing.of(config);
  }
}
