package io.agentwire.bench;

import io.agentwire.socketfactory.RekeyPolicy;
import java.util.List;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * One secure-socket implementation under comparison: the factory each end of a loopback connection
 * uses, and the check that every connection was what the benchmark claims to measure. {@link
 * ConnectionBench} and {@link BulkBench} take the implementation as their {@code stack} parameter
 * and build it with {@link #open}; a new implementation is a new name there and a new value in
 * those parameter lists.
 */
public interface SocketStack {

  /**
   * The SunJSSE TLS 1.3 stack, mutual authentication with P-256 certificates ({@link TlsPeers}).
   */
  String TLS13 = "tls13";

  /** AgentWire sockets, Noise XX, with libsodium (the run fails if it cannot load). */
  String AGENTWIRE = "agentwire";

  /** AgentWire sockets, Noise XX, pure Java ({@code agentwire.native=off}). */
  String AGENTWIRE_JAVA = "agentwire-java";

  /** AgentWire sockets, Noise IK (the client has pinned the server's key), with libsodium. */
  String AGENTWIRE_IK = "agentwire-ik";

  /**
   * The frequently rekeying socket: {@link #AGENTWIRE} with {@code RekeyPolicy.FREQUENT} on both
   * sides (a REKEY every 16 records or 256 KiB, a DH step every 1024 records or 60 s), for its cost
   * against plain {@link #AGENTWIRE} in the same run.
   */
  String AGENTWIRE_RATCHET = "agentwire-ratchet";

  /** Server sockets: the listening end of {@link LoopbackServer}. */
  ServerSocketFactory serverSocketFactory();

  /** Client sockets connecting to the server sockets above. */
  SocketFactory socketFactory();

  /**
   * Throws {@link IllegalStateException} unless each of {@code connections} connections made since
   * this stack was opened did a full handshake (both peers authenticated afresh, nothing resumed).
   */
  void verifyFullHandshakes(long connections);

  /**
   * The stack called {@code name}, encrypting with {@code aead}: a stack-neutral AEAD name ({@code
   * AES_128_GCM}, {@code AES_256_GCM}, {@code CHACHA20_POLY1305}) that each stack maps to its own
   * configuration, so that one parameter list serves every stack.
   */
  static SocketStack open(String name, String aead) throws Exception {
    return switch (name) {
      case TLS13 -> TlsPeers.create(TlsPeers.suiteFor(aead), false);
      case AGENTWIRE -> AgentWirePeers.create(aead, "XX", true);
      case AGENTWIRE_JAVA -> AgentWirePeers.create(aead, "XX", false);
      case AGENTWIRE_IK -> AgentWirePeers.create(aead, "IK", true);
      case AGENTWIRE_RATCHET -> AgentWirePeers.create(aead, "XX", true, RekeyPolicy.FREQUENT);
      default ->
          throw new IllegalArgumentException(
              "Unknown socket stack "
                  + name
                  + "; known: "
                  + List.of(TLS13, AGENTWIRE, AGENTWIRE_JAVA, AGENTWIRE_IK, AGENTWIRE_RATCHET));
    };
  }
}
