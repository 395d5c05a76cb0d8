package io.agentwire.provider.noise;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.internal.NoiseNames;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A parsed Noise protocol name such as {@code Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s} (Noise
 * revision 34, section 8), and what its handshake pattern asks of and gives to each role. Every
 * fact is read from the pattern's token table, the one the handshake engine runs (sections 7.1 to
 * 7.7 for the fundamental and one-way patterns, 9 for psk modifiers, 10.2 for fallback, 18 for the
 * deferred patterns), so callers never have to parse pattern names. Immutable and thread-safe;
 * obtain one with {@link #parse} or {@link #of}.
 *
 * <p>Roles are {@link NoiseRole}s: the initiator sends the first handshake message. In a fallback
 * pattern (section 10.2) the initiator is Bob, so for {@code XXfallback} the initiator is the party
 * that was the responder of the abandoned IK handshake.
 */
public final class NoiseProtocol {

  private final String name;
  private final NoiseNames.Parsed parsed;

  private NoiseProtocol(String name, NoiseNames.Parsed parsed) {
    this.name = name;
    this.parsed = parsed;
  }

  /**
   * Parses and validates a protocol name: the pattern must exist, its modifiers must apply, and the
   * result must satisfy the pattern validity rules (section 7.3).
   *
   * @throws NoSuchAlgorithmException whose message says which part of the name is wrong
   */
  public static NoiseProtocol parse(String name) throws NoSuchAlgorithmException {
    Objects.requireNonNull(name, "name");
    return new NoiseProtocol(name, NoiseNames.parse(name));
  }

  /**
   * The protocol {@code Noise_<pattern>_<dh>_<cipher>_<hash>} (section 8), such as {@code
   * of("XXpsk3", X25519, CHACHA20_POLY1305, BLAKE2S)}.
   *
   * @throws NoSuchAlgorithmException if the pattern is not valid, or a primitive is not a Noise
   *     function of its kind (a hash where the DH goes)
   * @throws IllegalArgumentException for {@link Primitive#RANDOM}, which no name has
   */
  public static NoiseProtocol of(String pattern, Primitive dh, Primitive cipher, Primitive hash)
      throws NoSuchAlgorithmException {
    return parse(
        "Noise_"
            + Objects.requireNonNull(pattern, "pattern")
            + "_"
            + NoiseNames.functionName(dh)
            + "_"
            + NoiseNames.functionName(cipher)
            + "_"
            + NoiseNames.functionName(hash));
  }

  /**
   * The names of the 38 base patterns this provider runs, in specification order: the one-way
   * patterns N, K, X (section 7.4), the 12 fundamental interactive ones (section 7.5), and the 23
   * deferred ones (section 18).
   */
  public static List<String> basePatterns() {
    return NoiseNames.basePatterns();
  }

  /** The full protocol name. */
  public String name() {
    return name;
  }

  /** The handshake pattern with modifiers, for example {@code XXfallback+psk0}. */
  public String pattern() {
    return parsed.pattern();
  }

  /**
   * The handshake pattern without modifiers, for example {@code XX} for {@code XXfallback+psk0}.
   */
  public String basePattern() {
    return parsed.basePattern();
  }

  /** {@link Primitive#X25519} or {@link Primitive#X448}. */
  public Primitive dh() {
    return parsed.dh();
  }

  /** {@link Primitive#CHACHA20_POLY1305} or {@link Primitive#AES_256_GCM}. */
  public Primitive cipher() {
    return parsed.cipher();
  }

  /** One of SHA256, SHA512, BLAKE2S, BLAKE2B. */
  public Primitive hash() {
    return parsed.hash();
  }

  /** Whether the pattern is one-way (N, K, X, section 7.4): only the initiator ever sends. */
  public boolean isOneWay() {
    return parsed.oneWay();
  }

  /** Whether the pattern carries the fallback modifier (section 10.2): Bob initiates. */
  public boolean isFallback() {
    return parsed.fallback();
  }

  /**
   * Whether the base pattern is a deferred one (section 18), in which at least one party defers an
   * authentication DH to a later message.
   */
  public boolean isDeferred() {
    return parsed.deferred();
  }

  /**
   * The positions of the pskN modifiers (section 9.2), ascending: 0 mixes the PSK in at the start
   * of message 1, N at the end of message N. Empty when the pattern has none.
   */
  public List<Integer> pskPositions() {
    return parsed.pskModifiers();
  }

  /** Whether the handshake needs a pre-shared key (any pskN modifier). */
  public boolean needsPsk() {
    return !parsed.pskModifiers().isEmpty();
  }

  /** The number of handshake messages. */
  public int messageCount() {
    return parsed.messageCount();
  }

  /**
   * Who sends handshake message {@code message} (numbered from 1).
   *
   * @throws IllegalArgumentException if the pattern has no such message
   */
  public NoiseRole sender(int message) {
    return parsed.sender(message);
  }

  /**
   * Whether {@code role} needs its own static key pair: its static key is a pre-message or is sent
   * with an {@code s} token (section 7.3, the first validity rule).
   */
  public boolean needsLocalStaticKey(NoiseRole role) {
    return parsed.hasStatic(role);
  }

  /**
   * Whether {@code role} must know the peer's static public key before the handshake: the peer's
   * key is a pre-message (section 7.1; the "K" and the one-way responder keys of section 7.4).
   */
  public boolean needsRemoteStaticKeyInAdvance(NoiseRole role) {
    return parsed.staticInPreMessage(role.opposite());
  }

  /** Whether the peer of {@code role} sends its static key in a handshake message (an s token). */
  public boolean remoteStaticKeyTransmitted(NoiseRole role) {
    return parsed.sendsStatic(role.opposite());
  }

  /**
   * The number (from 1) of the handshake message in which {@code role} sends its own static key
   * with an {@code s} token, or empty if it never does (no static key, or one known in advance). In
   * XX the initiator sends it in message 3; in IK in message 1; in X1X1 in message 3.
   */
  public OptionalInt staticKeySentIn(NoiseRole role) {
    int m = parsed.staticSentIn(role);
    return m == 0 ? OptionalInt.empty() : OptionalInt.of(m);
  }

  /** Whether the peer of {@code role} has a static key at all (known in advance or transmitted). */
  public boolean peerHasStaticKey(NoiseRole role) {
    return parsed.hasStatic(role.opposite());
  }

  /**
   * Whether, and by which message, the pattern proves the peer's static key to {@code role}
   * (section 7.7): see {@link PeerProof}. For example, in XN the initiator's key is proven to the
   * responder by handshake message 3 ({@code -> s, se}); in KN only by the initiator's first
   * transport message; in XX1 the responder's key only by the responder's first transport message;
   * and in the one-way patterns the responder's key never is.
   */
  public PeerProof peerProof(NoiseRole role) {
    return parsed.peerProof(role);
  }

  /**
   * Noise Pipes (section 10.4): for plain {@code IK}, the protocol a responder that cannot decrypt
   * message 1 switches to, {@code XXfallback} with the same functions; empty for every other
   * pattern (with a psk modifier too: Noise Pipes defines no PSK variant).
   */
  public Optional<NoiseProtocol> pipesFallback() {
    if (!pattern().equals("IK")) {
      return Optional.empty();
    }
    try {
      return Optional.of(of("XXfallback", dh(), cipher(), hash()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("XXfallback is a valid pattern", e);
    }
  }

  /**
   * This protocol without the fallback modifier (itself when it has none): {@code XX} with the same
   * functions for {@code XXfallback}.
   */
  public NoiseProtocol withoutFallback() {
    if (!isFallback()) {
      return this;
    }
    try {
      return of(parsed.patternWithoutFallback(), dh(), cipher(), hash());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " without fallback is a valid pattern", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NoiseProtocol && ((NoiseProtocol) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
