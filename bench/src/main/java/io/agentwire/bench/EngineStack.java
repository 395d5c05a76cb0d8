package io.agentwire.bench;

import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * One {@code SSLContext} implementation under comparison as NIO stacks use it: the two contexts,
 * the parameters each side applies, and engines configured with them. {@code engine.EngineBench},
 * {@code NettyConnectionBench}, {@code NettyEchoBench} and {@code HttpBench} take the
 * implementation as their {@code stack} parameter (the names of {@link SocketStack}) and build it
 * with {@link #open}.
 */
public interface EngineStack {

  /**
   * The {@code aead} that leaves each stack its default: TLS 1.3 negotiates from the JDK's own
   * suite list (so the JDK picks the AES-GCM suite), AgentWire runs {@code
   * Noise_XX_25519_ChaChaPoly_BLAKE2s}, its default XX suite.
   */
  String DEFAULT = "DEFAULT";

  /** The server's context (server engines, {@code HttpsServer}, Netty's server SslHandler). */
  SSLContext serverContext();

  /** The client's context. */
  SSLContext clientContext();

  /** What the server applies to each engine: mutual authentication required. */
  SSLParameters serverParameters();

  /**
   * What the client applies to each engine: for TLS only TLS 1.3, for AgentWire only the XX suite
   * (its pinned server key would otherwise select IK). Endpoint identification is off, as in
   * Netty's {@code JdkSslContext}; the JDK's HttpClient turns it on itself.
   */
  SSLParameters clientParameters();

  /** A new server engine with {@link #serverParameters}. */
  default SSLEngine serverEngine() {
    SSLEngine engine = serverContext().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(serverParameters());
    return engine;
  }

  /** A new client engine for {@code host:port} with {@link #clientParameters}. */
  default SSLEngine clientEngine(String host, int port) {
    SSLEngine engine = clientContext().createSSLEngine(host, port);
    engine.setUseClientMode(true);
    engine.setSSLParameters(clientParameters());
    return engine;
  }

  /**
   * Throws {@link IllegalStateException} unless each of {@code handshakes} handshakes since this
   * stack was opened was a full one, both peers authenticated afresh.
   */
  void verifyFullHandshakes(long handshakes);

  /**
   * {@link SocketStack#TLS13}, {@link SocketStack#AGENTWIRE} (libsodium) or {@link
   * SocketStack#AGENTWIRE_JAVA} with {@code aead}: {@link #DEFAULT}, or a stack-neutral AEAD name
   * as in {@link SocketStack#open}.
   */
  static EngineStack open(String name, String aead) throws Exception {
    boolean dflt = aead.equals(DEFAULT);
    return switch (name) {
      case SocketStack.TLS13 -> TlsPeers.create(dflt ? null : TlsPeers.suiteFor(aead), false);
      case SocketStack.AGENTWIRE ->
          AgentWirePeers.create(dflt ? "CHACHA20_POLY1305" : aead, "XX", true);
      case SocketStack.AGENTWIRE_JAVA ->
          AgentWirePeers.create(dflt ? "CHACHA20_POLY1305" : aead, "XX", false);
      default ->
          throw new IllegalArgumentException(
              "Unknown engine stack "
                  + name
                  + "; known: "
                  + List.of(SocketStack.TLS13, SocketStack.AGENTWIRE, SocketStack.AGENTWIRE_JAVA));
    };
  }
}
