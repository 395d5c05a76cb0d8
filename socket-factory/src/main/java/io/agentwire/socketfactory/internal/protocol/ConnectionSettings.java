package io.agentwire.socketfactory.internal.protocol;

import io.agentwire.socketfactory.AgentSocketConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one connection runs: the configuration and what its adapter (a socket or an engine) knows
 * when the connection starts. Immutable; the one argument of {@link ConnectionCore} and {@link
 * Negotiation}.
 *
 * @param config the configuration the socket factory was built with
 * @param client whether this side starts the handshake
 * @param host the name the client connected to (client side; {@code null} on the server)
 * @param identifyEndpoint whether the peer's key must be pinned for {@code host}; always false on
 *     the server
 * @param suites the enabled Noise protocol names, in preference order
 * @param needPeerStatic whether the peer must prove a static key
 * @param applicationProtocols ALPN: the client's offer, or the server's protocols in preference
 *     order (empty for none)
 * @param applicationProtocolSelector the server's ALPN choice from the client's offer, as {@code
 *     SSLEngine.setHandshakeApplicationProtocolSelector} defines it ({@code null} refuses the
 *     connection, {@code ""} uses none); {@code null} chooses from {@code applicationProtocols}
 */
public record ConnectionSettings(
    AgentSocketConfig config,
    boolean client,
    String host,
    boolean identifyEndpoint,
    List<String> suites,
    boolean needPeerStatic,
    List<String> applicationProtocols,
    Function<List<String>, String> applicationProtocolSelector) {

  /** Copies {@code suites} and drops endpoint identification on the server. */
  public ConnectionSettings {
    Objects.requireNonNull(config, "config");
    suites = List.copyOf(suites);
    applicationProtocols = List.copyOf(applicationProtocols);
    if (suites.isEmpty()) {
      throw new IllegalArgumentException("a connection needs at least one enabled suite");
    }
    identifyEndpoint = identifyEndpoint && client;
  }

  /** Settings without ALPN. */
  public ConnectionSettings(
      AgentSocketConfig config,
      boolean client,
      String host,
      boolean identifyEndpoint,
      List<String> suites,
      boolean needPeerStatic) {
    this(config, client, host, identifyEndpoint, suites, needPeerStatic, List.of(), null);
  }

  /** How the connection frames its bytes. */
  public Framing framing() {
    return Framing.of(config);
  }
}
