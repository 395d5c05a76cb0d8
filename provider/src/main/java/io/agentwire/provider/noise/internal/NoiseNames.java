package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.PeerProof;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Parses Noise protocol names (revision 34, section 8) into their parts. */
public final class NoiseNames {

  private static final int CACHE_LIMIT = 256;
  private static final java.util.Map<String, Parsed> CACHE =
      new java.util.concurrent.ConcurrentHashMap<>();

  private NoiseNames() {}

  /** The parts of a valid name. */
  public static final class Parsed {
    final HandshakePattern pattern;
    final Primitive dh;
    final Primitive cipher;
    final Primitive hash;

    Parsed(HandshakePattern pattern, Primitive dh, Primitive cipher, Primitive hash) {
      this.pattern = pattern;
      this.dh = dh;
      this.cipher = cipher;
      this.hash = hash;
    }

    public String pattern() {
      return pattern.name;
    }

    public Primitive dh() {
      return dh;
    }

    public Primitive cipher() {
      return cipher;
    }

    public Primitive hash() {
      return hash;
    }

    public boolean oneWay() {
      return pattern.oneWay;
    }

    public boolean fallback() {
      return pattern.bobInitiated;
    }

    /** The pattern's name without modifiers, such as {@code XX} for {@code XXfallback+psk0}. */
    public String basePattern() {
      return pattern.baseName;
    }

    /** The pattern with the fallback modifier removed (itself when it has none). */
    public String patternWithoutFallback() {
      if (!pattern.fallback) {
        return pattern.name;
      }
      String rest = pattern.name.substring(pattern.baseName.length() + "fallback".length());
      return pattern.baseName + (rest.startsWith("+") ? rest.substring(1) : rest);
    }

    public boolean deferred() {
      return pattern.deferred;
    }

    public List<Integer> pskModifiers() {
      return pattern.pskModifiers;
    }

    public int messageCount() {
      return pattern.messages.size();
    }

    /** Who sends handshake message {@code message} (1-based). */
    public NoiseRole sender(int message) {
      if (message < 1 || message > pattern.messages.size()) {
        throw new IllegalArgumentException(pattern.name + " has no handshake message " + message);
      }
      return role(pattern.messages.get(message - 1).fromAlice);
    }

    public boolean hasStatic(NoiseRole role) {
      return pattern.hasStatic(isAlice(role));
    }

    public boolean staticInPreMessage(NoiseRole role) {
      return pattern.staticInPreMessage(isAlice(role));
    }

    public boolean sendsStatic(NoiseRole role) {
      return pattern.sendsStatic(isAlice(role));
    }

    public int staticSentIn(NoiseRole role) {
      return pattern.staticSentIn(isAlice(role));
    }

    /** When the static key of {@code role}'s peer is proven to {@code role}. */
    public PeerProof peerProof(NoiseRole role) {
      int at = pattern.staticProvenAt(!isAlice(role));
      return at > 0
          ? PeerProof.atHandshakeMessage(at)
          : at == 0 ? PeerProof.FIRST_TRANSPORT_MESSAGE : PeerProof.NEVER;
    }

    /** Section 10.2: the initiator is Alice, except in Bob-initiated (fallback) patterns. */
    private boolean isAlice(NoiseRole role) {
      return (role == NoiseRole.INITIATOR) != pattern.bobInitiated;
    }

    private NoiseRole role(boolean alice) {
      return alice != pattern.bobInitiated ? NoiseRole.INITIATOR : NoiseRole.RESPONDER;
    }
  }

  /** The names of the base patterns (sections 7.4, 7.5 and 18), in specification order. */
  public static List<String> basePatterns() {
    return HandshakePattern.baseNames();
  }

  /** The name section 8 gives {@code function}, such as {@code 25519} or {@code ChaChaPoly}. */
  public static String functionName(Primitive function) {
    switch (function) {
      case X25519:
        return "25519";
      case X448:
        return "448";
      case CHACHA20_POLY1305:
        return "ChaChaPoly";
      case AES_256_GCM:
        return "AESGCM";
      case SHA256:
        return "SHA256";
      case SHA512:
        return "SHA512";
      case BLAKE2S:
        return "BLAKE2s";
      case BLAKE2B:
        return "BLAKE2b";
      default:
        throw new IllegalArgumentException(function + " is not a Noise function");
    }
  }

  /**
   * Parses {@code name}.
   *
   * @throws NoSuchAlgorithmException that names the part that is wrong
   */
  public static Parsed parse(String name) throws NoSuchAlgorithmException {
    Parsed cached = CACHE.get(name);
    if (cached != null) {
      return cached;
    }
    Parsed parsed = parseUncached(name);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear(); // names come from callers; keep the cache bounded whatever they send
    }
    CACHE.put(name, parsed);
    return parsed;
  }

  private static Parsed parseUncached(String name) throws NoSuchAlgorithmException {
    String[] parts = name.split("_", -1);
    if (parts.length != 5 || !parts[0].equals("Noise")) {
      throw new NoSuchAlgorithmException(
          "'"
              + name
              + "' is not a Noise protocol name: expected"
              + " Noise_<pattern>_<dh>_<cipher>_<hash>, for example"
              + " Noise_XX_25519_ChaChaPoly_BLAKE2s");
    }
    HandshakePattern pattern;
    try {
      pattern = HandshakePattern.parse(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new NoSuchAlgorithmException("'" + name + "': " + e.getMessage());
    }
    return new Parsed(pattern, dh(name, parts[2]), cipher(name, parts[3]), hash(name, parts[4]));
  }

  static HandshakePattern pattern(Parsed parsed) {
    return parsed.pattern;
  }

  private static Primitive dh(String name, String dh) throws NoSuchAlgorithmException {
    switch (dh) {
      case "25519":
        return Primitive.X25519;
      case "448":
        return Primitive.X448;
      default:
        throw new NoSuchAlgorithmException(
            "'" + name + "': unknown DH function '" + dh + "' (expected 25519 or 448)");
    }
  }

  private static Primitive cipher(String name, String cipher) throws NoSuchAlgorithmException {
    switch (cipher) {
      case "ChaChaPoly":
        return Primitive.CHACHA20_POLY1305;
      case "AESGCM":
        return Primitive.AES_256_GCM;
      default:
        throw new NoSuchAlgorithmException(
            "'"
                + name
                + "': unknown cipher function '"
                + cipher
                + "' (expected ChaChaPoly or AESGCM)");
    }
  }

  private static Primitive hash(String name, String hash) throws NoSuchAlgorithmException {
    switch (hash) {
      case "SHA256":
        return Primitive.SHA256;
      case "SHA512":
        return Primitive.SHA512;
      case "BLAKE2s":
        return Primitive.BLAKE2S;
      case "BLAKE2b":
        return Primitive.BLAKE2B;
      default:
        throw new NoSuchAlgorithmException(
            "'"
                + name
                + "': unknown hash function '"
                + hash
                + "' (expected SHA256, SHA512, BLAKE2s or BLAKE2b)");
    }
  }
}
