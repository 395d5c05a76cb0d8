package io.agentwire.bench;

import io.agentwire.socketfactory.AgentServerSocketFactory;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.AgentSocketFactory;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import io.agentwire.socketfactory.RekeyPolicy;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerificationException;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.security.PublicKey;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Two AgentWire agents for the socket benchmarks, set up as a user would: each has an identity, the
 * client pins the server's key for 127.0.0.1 (endpoint identification on, as by default) and the
 * server accepts only the client's key (mutual authentication). Counting verifiers prove that every
 * connection ran a full handshake: Noise has no resumption, and each handshake proves both static
 * keys anew.
 */
final class AgentWirePeers implements SocketStack, EngineStack {

  private final AgentSocketFactory client;
  private final AgentServerSocketFactory server;
  private final SSLContext clientContext;
  private final SSLContext serverContext;
  private final String suite;
  private final LongAdder clientVerified = new LongAdder();
  private final LongAdder serverVerified = new LongAdder();

  private AgentWirePeers(String suite, RekeyPolicy policy) throws Exception {
    AgentIdentity serverIdentity = AgentIdentity.generate();
    AgentIdentity clientIdentity = AgentIdentity.generate();
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin("127.0.0.1", serverIdentity.publicKey());
    pins.pin("localhost", serverIdentity.publicKey()); // the name HttpBench connects to
    PeerVerifier onlyClient = PeerVerifier.onlyKey(clientIdentity.publicKey());
    PeerVerifier countingPins =
        new PeerVerifier() {
          @Override
          public String verify(String peer, PublicKey key) throws PeerVerificationException {
            String name = pins.verify(peer, key);
            clientVerified.increment();
            return name;
          }

          @Override
          public java.util.Optional<PublicKey> knownKey(String peer) {
            return pins.knownKey(peer);
          }
        };
    this.suite = suite;
    AgentSocketConfig clientConfig =
        AgentSocketConfig.builder()
            .identity(clientIdentity)
            .peerVerifier(countingPins)
            .cipherSuites(suite)
            .rekeyPolicy(policy)
            .build();
    AgentSocketConfig serverConfig =
        AgentSocketConfig.builder()
            .identity(serverIdentity)
            .peerVerifier(
                (peer, key) -> {
                  String name = onlyClient.verify(peer, key);
                  serverVerified.increment();
                  return name;
                })
            .cipherSuites(suite)
            .rekeyPolicy(policy)
            .build();
    client = new AgentSocketFactory(clientConfig);
    server = new AgentServerSocketFactory(serverConfig);
    clientContext = AgentWireJsseProvider.newContext(clientConfig);
    serverContext = AgentWireJsseProvider.newContext(serverConfig);
  }

  /**
   * @param aead {@code AES_256_GCM} (Noise AESGCM with SHA256) or {@code CHACHA20_POLY1305}
   *     (ChaChaPoly with BLAKE2s, the default suite)
   * @param pattern {@code XX} or {@code IK}
   * @param nativeBackend libsodium required, or pure Java; set before the provider first loads,
   *     which JMH's fresh fork per parameter set guarantees
   */
  static AgentWirePeers create(String aead, String pattern, boolean nativeBackend)
      throws Exception {
    return create(aead, pattern, nativeBackend, RekeyPolicy.DEFAULT);
  }

  /** As {@link #create(String, String, boolean)}, both sides with {@code policy}. */
  static AgentWirePeers create(
      String aead, String pattern, boolean nativeBackend, RekeyPolicy policy) throws Exception {
    System.setProperty("agentwire.native", nativeBackend ? "require" : "off");
    String functions =
        switch (aead) {
          case "AES_256_GCM" -> "25519_AESGCM_SHA256";
          case "CHACHA20_POLY1305" -> "25519_ChaChaPoly_BLAKE2s";
          default -> throw new IllegalArgumentException("Noise has no " + aead);
        };
    return new AgentWirePeers("Noise_" + pattern + "_" + functions, policy);
  }

  @Override
  public SSLServerSocketFactory serverSocketFactory() {
    return server;
  }

  @Override
  public SSLSocketFactory socketFactory() {
    return client;
  }

  @Override
  public SSLContext serverContext() {
    return serverContext;
  }

  @Override
  public SSLContext clientContext() {
    return clientContext;
  }

  /** Client keys required; the suite comes from the configuration. */
  @Override
  public SSLParameters serverParameters() {
    SSLParameters p = new SSLParameters();
    p.setNeedClientAuth(true);
    return p;
  }

  /**
   * Only the configured suite (the client's default list puts IK first, and the server's key is
   * pinned), no endpoint identification: the key pinned for 127.0.0.1 and localhost is the only one
   * the client accepts either way.
   */
  @Override
  public SSLParameters clientParameters() {
    SSLParameters p = new SSLParameters(new String[] {suite});
    p.setEndpointIdentificationAlgorithm(null);
    return p;
  }

  @Override
  public void verifyFullHandshakes(long connections) {
    // The server may still be finishing the last handshake when the client is done.
    if (clientVerified.sum() < connections || serverVerified.sum() < connections - 1) {
      throw new IllegalStateException(
          connections
              + " connections but "
              + clientVerified.sum()
              + " server keys and "
              + serverVerified.sum()
              + " client keys verified");
    }
  }
}
