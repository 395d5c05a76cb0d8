package io.agentwire.provider.noise;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.internal.NoiseNames;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A parsed Noise protocol name such as {@code Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s} (Noise
 * revision 34, section 8). Immutable and thread-safe; obtain one with {@link #parse}.
 */
public final class NoiseProtocol {

  private final String name;
  private final String pattern;
  private final Primitive dh;
  private final Primitive cipher;
  private final Primitive hash;
  private final boolean oneWay;
  private final boolean fallback;

  private NoiseProtocol(
      String name,
      String pattern,
      Primitive dh,
      Primitive cipher,
      Primitive hash,
      boolean oneWay,
      boolean fallback) {
    this.name = name;
    this.pattern = pattern;
    this.dh = dh;
    this.cipher = cipher;
    this.hash = hash;
    this.oneWay = oneWay;
    this.fallback = fallback;
  }

  /**
   * Parses and validates a protocol name: the pattern must exist, its modifiers must apply, and the
   * result must satisfy the pattern validity rules (section 7.3).
   *
   * @throws NoSuchAlgorithmException whose message says which part of the name is wrong
   */
  public static NoiseProtocol parse(String name) throws NoSuchAlgorithmException {
    Objects.requireNonNull(name, "name");
    NoiseNames.Parsed p = NoiseNames.parse(name);
    return new NoiseProtocol(
        name, p.pattern(), p.dh(), p.cipher(), p.hash(), p.oneWay(), p.fallback());
  }

  /** The full protocol name. */
  public String name() {
    return name;
  }

  /** The handshake pattern with modifiers, for example {@code XXfallback+psk0}. */
  public String pattern() {
    return pattern;
  }

  /** {@link Primitive#X25519} or {@link Primitive#X448}. */
  public Primitive dh() {
    return dh;
  }

  /** {@link Primitive#CHACHA20_POLY1305} or {@link Primitive#AES_256_GCM}. */
  public Primitive cipher() {
    return cipher;
  }

  /** One of SHA256, SHA512, BLAKE2S, BLAKE2B. */
  public Primitive hash() {
    return hash;
  }

  /** Whether the pattern is one-way (N, K, X): only the initiator ever sends. */
  public boolean isOneWay() {
    return oneWay;
  }

  /** Whether the pattern carries the fallback modifier. */
  public boolean isFallback() {
    return fallback;
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
