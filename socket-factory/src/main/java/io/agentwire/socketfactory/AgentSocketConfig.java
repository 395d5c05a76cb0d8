package io.agentwire.socketfactory;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.PeerProof;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything an AgentWire socket factory needs: who we are, whom we trust, which Noise protocols we
 * speak, and how the connection behaves. Built once through {@link #builder()}, validated there,
 * then immutable and shared by every socket of a factory. Thread-safe. {@link #toString()} never
 * shows the pre-shared key.
 *
 * <p>Two modes. The default is the AgentWire wire protocol ({@code docs/PROTOCOL.md}): the client
 * names its Noise protocol in the clear, both sides bind that into the Noise prologue, and the
 * encrypted stream carries typed records (data, authenticated close, rekey). {@link
 * Builder#raw(String, byte[])} switches to raw mode: length-prefixed Noise messages and nothing
 * else, to talk to any other Noise library.
 */
public final class AgentSocketConfig {

  /** The client's preference order: IK when it already knows the server's key, else XX. */
  public static final List<String> DEFAULT_SUITES =
      List.of(
          "Noise_IK_25519_ChaChaPoly_BLAKE2s",
          "Noise_XX_25519_ChaChaPoly_BLAKE2s",
          "Noise_IK_25519_AESGCM_SHA256",
          "Noise_XX_25519_AESGCM_SHA256");

  /** Default suites with a PSK: the Noise Pipes and WireGuard positions. */
  public static final List<String> DEFAULT_PSK_SUITES =
      List.of(
          "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s",
          "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s",
          "Noise_IKpsk2_25519_AESGCM_SHA256",
          "Noise_XXpsk3_25519_AESGCM_SHA256");

  /**
   * Every suite the socket layer runs in AgentWire mode (psk variants of them are accepted too):
   * the defaults first, then every base pattern the provider knows, in specification order, with
   * X25519 and each cipher and hash, where {@link #checkSuite} allows it, then the default psk
   * suites.
   */
  public static final List<String> SUPPORTED_SUITES = supportedSuites(DEFAULT_SUITES);

  private static final Provider DEFAULT_PROVIDER = new AgentWireProvider();

  private final AgentIdentity identity;
  private final PeerVerifier verifier;
  private final PublicKey peerKey;
  private final List<String> cipherSuites;
  private final byte[] psk;
  private final Duration handshakeTimeout;
  private final RekeyPolicy rekeyPolicy;
  private final boolean rekeyPolicySet;
  private final int paddingBlock;
  private final boolean anonymousPeers;
  private final String rawProtocol;
  private final byte[] rawPrologue;
  private final Provider provider;
  private final String sessionProtocolLabel;

  private AgentSocketConfig(Builder b) {
    this.identity = b.identity;
    this.verifier = b.verifier;
    this.peerKey = b.peerKey;
    this.psk = b.psk == null ? null : b.psk.clone();
    this.cipherSuites =
        b.rawProtocol != null
            ? List.of(b.rawProtocol)
            : b.cipherSuites != null
                ? List.copyOf(b.cipherSuites)
                : psk != null ? DEFAULT_PSK_SUITES : DEFAULT_SUITES;
    this.handshakeTimeout = b.handshakeTimeout;
    this.rekeyPolicy = b.rekeyPolicy;
    this.rekeyPolicySet = b.rekeyPolicySet;
    this.paddingBlock = b.paddingBlock;
    this.anonymousPeers = b.anonymousPeers;
    this.rawProtocol = b.rawProtocol;
    this.rawPrologue = b.rawPrologue == null ? new byte[0] : b.rawPrologue.clone();
    this.provider = b.provider == null ? DEFAULT_PROVIDER : b.provider;
    this.sessionProtocolLabel = b.sessionProtocolLabel;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.identity = identity;
    b.verifier = verifier;
    b.peerKey = peerKey;
    b.cipherSuites = rawProtocol == null ? new ArrayList<>(cipherSuites) : null;
    b.psk = psk == null ? null : psk.clone();
    b.handshakeTimeout = handshakeTimeout;
    b.rekeyPolicy = rekeyPolicy;
    b.rekeyPolicySet = rekeyPolicySet;
    b.paddingBlock = paddingBlock;
    b.anonymousPeers = anonymousPeers;
    b.rawProtocol = rawProtocol;
    b.rawPrologue = rawProtocol == null ? null : rawPrologue.clone();
    b.provider = provider;
    b.sessionProtocolLabel = sessionProtocolLabel;
    return b;
  }

  /**
   * What {@code SSLSession.getProtocol()} reports, when set: see {@link
   * Builder#sessionProtocolLabel}; {@code null} reports the wire protocol ("AgentWire/2").
   */
  public String sessionProtocolLabel() {
    return sessionProtocolLabel;
  }

  /** Our static identity, or {@code null} for patterns where we have none. */
  public AgentIdentity identity() {
    return identity;
  }

  public PeerVerifier peerVerifier() {
    return verifier;
  }

  /** The peer's static key known in advance (IK, NK, KK, raw mode), or {@code null}. */
  public PublicKey peerKey() {
    return peerKey;
  }

  /** The Noise protocol names, in the client's order of preference. */
  public List<String> cipherSuites() {
    return cipherSuites;
  }

  /** Whether a pre-shared key is configured (the key itself is never exposed). */
  public boolean hasPsk() {
    return psk != null;
  }

  /** A copy of the PSK for the handshake; package-private so it never leaves the library. */
  public byte[] pskCopy() {
    return psk == null ? null : psk.clone();
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public RekeyPolicy rekeyPolicy() {
    return rekeyPolicy;
  }

  /** Record plaintext is padded to a multiple of this many bytes; 0 for no padding. */
  public int paddingBlock() {
    return paddingBlock;
  }

  /** Whether peers without a static key (NN, NK, ...) are accepted. */
  public boolean anonymousPeers() {
    return anonymousPeers;
  }

  /** Whether this is raw mode. */
  public boolean isRaw() {
    return rawProtocol != null;
  }

  /** The raw-mode prologue (a copy), empty in AgentWire mode. */
  public byte[] rawPrologue() {
    return rawPrologue.clone();
  }

  /** The JCA provider whose {@code NoiseHandshake} and X25519 services are used. */
  public Provider cryptoProvider() {
    return provider;
  }

  @Override
  public String toString() {
    return "AgentSocketConfig["
        + (isRaw() ? "raw " + rawProtocol : "suites=" + cipherSuites)
        + ", identity="
        + (identity == null ? "none" : identity.fingerprint())
        + ", psk="
        + (psk == null ? "no" : "yes")
        + ", padding="
        + paddingBlock
        + ", "
        + rekeyPolicy
        + "]";
  }

  /** Builds an {@link AgentSocketConfig}; not thread-safe. */
  public static final class Builder {
    private AgentIdentity identity;
    private PeerVerifier verifier;
    private PublicKey peerKey;
    private List<String> cipherSuites;
    private byte[] psk;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private RekeyPolicy rekeyPolicy = RekeyPolicy.DEFAULT;
    private boolean rekeyPolicySet;
    private int paddingBlock;
    private boolean anonymousPeers;
    private String rawProtocol;
    private byte[] rawPrologue;
    private Provider provider;
    private String sessionProtocolLabel;

    private Builder() {}

    /** Our static key pair; required by every pattern in which we have a static key. */
    public Builder identity(AgentIdentity identity) {
      this.identity = identity;
      return this;
    }

    /** Decides which peer keys to accept; required (see {@link PeerVerifier#anyPeer()}). */
    public Builder peerVerifier(PeerVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /** The peer's static key when known in advance; a client then prefers IK over XX. */
    public Builder peerKey(PublicKey peerKey) {
      this.peerKey = peerKey;
      return this;
    }

    /** Noise protocol names (revision 34 section 8), in order of preference. */
    public Builder cipherSuites(String... names) {
      this.cipherSuites = List.of(names);
      return this;
    }

    /** A 32-byte pre-shared key, mixed in at every pskN position of the chosen suite. */
    public Builder psk(byte[] psk) {
      if (psk != null && psk.length != 32) {
        throw new IllegalArgumentException("a Noise PSK is 32 bytes, not " + psk.length);
      }
      this.psk = psk == null ? null : psk.clone();
      return this;
    }

    /** The whole handshake must finish within this time (default 10 s), on both sides. */
    public Builder handshakeTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the handshake timeout must be positive");
      }
      this.handshakeTimeout = timeout;
      return this;
    }

    /**
     * When this side renews its traffic keys (default {@link RekeyPolicy#DEFAULT}). {@link
     * RekeyPolicy#FREQUENT} makes the frequently rekeying socket: a symmetric rekey every 16
     * records (or 256 KiB) and a Diffie-Hellman step every 1024 records or 60 s, for forward
     * secrecy within a connection and recovery from stolen traffic keys ({@code docs/PROTOCOL.md},
     * section 4.4). The policy binds only this side; any AgentWire peer answers it. Not for raw
     * mode, which has no records.
     */
    public Builder rekeyPolicy(RekeyPolicy policy) {
      this.rekeyPolicy = Objects.requireNonNull(policy, "policy");
      this.rekeyPolicySet = true;
      return this;
    }

    /**
     * Pads record plaintext to a multiple of {@code block} bytes (1 to 16384, a record's largest
     * content; 0 for none).
     */
    public Builder padding(int block) {
      if (block < 0 || block > 16384) {
        throw new IllegalArgumentException("padding block must be 0..16384, not " + block);
      }
      this.paddingBlock = block;
      return this;
    }

    /**
     * Accept peers that have no static key (patterns such as NN and NK). Off by default: the point
     * of AgentWire is that both sides prove who they are.
     */
    public Builder anonymousPeers(boolean allowed) {
      this.anonymousPeers = allowed;
      return this;
    }

    /**
     * Raw mode: both sides run exactly {@code protocolName} with {@code prologue}, exchanging
     * 2-byte-length-prefixed Noise messages with nothing added, as other Noise libraries do.
     */
    public Builder raw(String protocolName, byte[] prologue) {
      this.rawProtocol = Objects.requireNonNull(protocolName, "protocolName");
      this.rawPrologue = prologue == null ? new byte[0] : prologue.clone();
      return this;
    }

    /** The JCA provider for the Noise engine (default: a private {@link AgentWireProvider}). */
    public Builder cryptoProvider(Provider provider) {
      this.provider = provider;
      return this;
    }

    /**
     * Makes {@code SSLSession.getProtocol()} report {@code "TLSv1.3"} instead of the wire protocol,
     * for clients that refuse any protocol name they do not know as a TLS version: OkHttp maps it
     * through {@code TlsVersion.forJavaName} and fails on "AgentWire/2". The label claims no more
     * than TLS 1.3's guarantees (an authenticated key exchange with forward secrecy and an AEAD
     * channel), which the Noise handshake gives; {@code getCipherSuite()} still names the Noise
     * protocol, and {@link AgentSession#wireProtocol()} always names the wire protocol. Only {@code
     * "TLSv1.3"} is accepted, so no weaker version can be claimed.
     */
    public Builder sessionProtocolLabel(String label) {
      if (label != null && !label.equals("TLSv1.3")) {
        throw new IllegalArgumentException(
            "the only session protocol label is \"TLSv1.3\" (or null for the wire protocol), not "
                + label);
      }
      this.sessionProtocolLabel = label;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public AgentSocketConfig build() {
      if (verifier == null) {
        throw new IllegalArgumentException(
            "a PeerVerifier is required: a PeerTrustStore, a callback, or PeerVerifier.anyPeer()");
      }
      if (rawProtocol != null && rekeyPolicySet && rekeyPolicy.rekeys()) {
        throw new IllegalArgumentException(
            "raw mode has no records, so it cannot rekey or take DH steps: "
                + rekeyPolicy
                + " would not apply; use AgentWire mode or RekeyPolicy.NEVER");
      }
      if (rawProtocol != null && sessionProtocolLabel != null) {
        throw new IllegalArgumentException(
            "raw mode cannot detect truncation, so it cannot claim \"TLSv1.3\": leave"
                + " sessionProtocolLabel unset in raw mode");
      }
      AgentSocketConfig config = new AgentSocketConfig(this);
      for (String suite : config.cipherSuites) {
        if (checkSuite(suite, rawProtocol != null).needsPsk() && psk == null) {
          throw new IllegalArgumentException(suite + " needs a PSK: call psk(...)");
        }
      }
      if (config.cipherSuites.isEmpty()) {
        throw new IllegalArgumentException("no cipher suites");
      }
      return config;
    }
  }

  /** What a socket built from this configuration can be asked to run. */
  public List<String> supportedSuites() {
    return isRaw() ? cipherSuites : SUPPORTED_SUITES;
  }

  private static List<String> supportedSuites(List<String> defaults) {
    List<String> all = new ArrayList<>(defaults);
    Primitive[] ciphers = {Primitive.CHACHA20_POLY1305, Primitive.AES_256_GCM};
    Primitive[] hashes = {Primitive.BLAKE2S, Primitive.BLAKE2B, Primitive.SHA256, Primitive.SHA512};
    for (String pattern : NoiseProtocol.basePatterns()) {
      for (Primitive cipher : ciphers) {
        for (Primitive hash : hashes) {
          NoiseProtocol p;
          try {
            p = NoiseProtocol.of(pattern, Primitive.X25519, cipher, hash);
          } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the provider lists " + pattern, e);
          }
          if (whyNot(p, false) == null && !all.contains(p.name())) {
            all.add(p.name());
          }
        }
      }
    }
    all.addAll(DEFAULT_PSK_SUITES);
    return List.copyOf(all);
  }

  /**
   * Checks that the socket layer can run {@code name}, from the pattern's facts ({@link
   * NoiseProtocol}). Raw mode runs any valid Noise protocol except the deferred patterns refused
   * below. AgentWire mode also refuses one-way and fallback patterns (fallback happens only inside
   * Noise Pipes) and X448 (identities are X25519 keys). In both modes a deferred pattern (Noise
   * section 18) is refused when it would give the server a static key that no handshake message
   * proves to the client (NX1, XX1, KX1, K1X1, IX1, I1X1): the client verifies the server's key
   * once a message it has read proves it, before it answers, and these prove it only by the
   * server's first transport message. Whether a server that requires client authentication can run
   * a pattern is decided per connection, as for KN.
   *
   * @return the parsed protocol
   * @throws IllegalArgumentException saying why not
   */
  public static NoiseProtocol checkSuite(String name, boolean raw) {
    NoiseProtocol p = parse(name);
    String why = whyNot(p, raw);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    return p;
  }

  private static String whyNot(NoiseProtocol p, boolean raw) {
    String name = p.name();
    if (p.isDeferred()
        && p.peerHasStaticKey(NoiseRole.INITIATOR)
        && !p.peerProof(NoiseRole.INITIATOR).byHandshakeMessage()) {
      return name
          + ": in this deferred pattern only the server's first transport message proves its"
          + " static key to the client ("
          + p.peerProof(NoiseRole.INITIATOR)
          + "), and the socket layer verifies a server's key before the client answers";
    }
    String revealed = revealsClientBeforeProof(p);
    if (revealed != null) {
      return revealed;
    }
    if (raw) {
      return null;
    }
    if (p.isOneWay()) {
      return name + " is a one-way pattern: it can only be used in raw mode";
    }
    if (p.isFallback()) {
      return name + " is a fallback pattern: AgentWire uses it only after IK fails";
    }
    if (p.dh() != Primitive.X25519) {
      return name + ": AgentWire identities are X25519 keys; use 448 only in raw mode";
    }
    return null;
  }

  /**
   * A client never reveals its identity to a server it would refuse: refused where the client sends
   * its static key after the server has sent its own but before a message proves that key (X1X1:
   * the server's key arrives in message 2, the client's goes out in message 3, the proof is message
   * 4), since an attacker posing with its own key could read the client's. A server key known in
   * advance is checked before the handshake starts, so IK and the K patterns are unaffected.
   */
  private static String revealsClientBeforeProof(NoiseProtocol p) {
    OptionalInt mine = p.staticKeySentIn(NoiseRole.INITIATOR);
    OptionalInt theirs = p.staticKeySentIn(NoiseRole.RESPONDER);
    PeerProof proof = p.peerProof(NoiseRole.INITIATOR);
    if (mine.isEmpty() || theirs.isEmpty() || theirs.getAsInt() > mine.getAsInt()) {
      return null;
    }
    if (proof.byHandshakeMessage() && proof.message() < mine.getAsInt()) {
      return null;
    }
    return p.name()
        + ": the client would send its static key (message "
        + mine.getAsInt()
        + ") after the server sent its own (message "
        + theirs.getAsInt()
        + ") but before that key is proven ("
        + proof
        + "), so an attacker posing as the server could learn the client's identity";
  }

  public static NoiseProtocol parse(String name) {
    try {
      return NoiseProtocol.parse(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
