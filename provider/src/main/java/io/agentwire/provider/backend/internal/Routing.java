package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;

/**
 * Which backend serves one primitive, possibly split by size: inputs shorter than {@link #cutover}
 * bytes go to one backend, the rest to the other. The split exists because a native call costs
 * about a microsecond on its own, and because newer JDKs compile ChaCha20 to vector instructions
 * that outrun libsodium 1.0.18 on long messages.
 *
 * <p>The defaults come from measurements on x86-64 (see the README): X25519 native (2.7x); Ed25519
 * native below 64 KiB, with one verification rule whichever runs it ({@link CofactoredEd25519});
 * BLAKE2b Java below 256 bytes, native above (up to 2.8x); ChaCha20-Poly1305 native at every size
 * on JDKs without the ChaCha20 intrinsic (1.5x at 64 B, 5x at 16 KiB) and native only below 768
 * bytes where the intrinsic is on; AES-256-GCM always the JDK (its AES-NI intrinsics beat libsodium
 * at every size). {@code -Dagentwire.native.chachaCutover=N} overrides the ChaCha20 split.
 */
public final class Routing {

  final Primitive primitive;
  final CryptoBackend javaBackend;
  final CryptoBackend nativeBackend;

  /** Sizes below go to {@link #below}; at or above to {@link #above}. */
  final int cutover;

  private final CryptoBackend below;
  private final CryptoBackend above;

  private Routing(
      Primitive primitive,
      CryptoBackend java,
      CryptoBackend nat,
      boolean nativeBelow,
      int cutover) {
    this.primitive = primitive;
    this.javaBackend = java;
    this.nativeBackend = nat;
    this.cutover = nat == null ? Integer.MAX_VALUE : cutover;
    this.below = nat != null && nativeBelow ? nat : java;
    this.above = nat != null && !nativeBelow ? nat : java;
  }

  static Routing choose(
      Primitive p, CryptoBackend java, CryptoBackend nat, java.util.List<String> notes) {
    if (nat == null || !nat.supports(p) || !worthUsing(p)) {
      return new Routing(p, java, null, false, Integer.MAX_VALUE);
    }
    String disagreement = BackendCheck.disagreement(p, nat, java);
    if (disagreement != null) {
      notes.add(nat.name() + " not used for " + p + ": " + disagreement);
      return new Routing(p, java, null, false, Integer.MAX_VALUE);
    }
    switch (p) {
      case X25519:
        return new Routing(p, java, nat, true, Integer.MAX_VALUE);
      case ED25519:
        return new Routing(p, java, nat, true, CofactoredEd25519.NATIVE_CUTOVER);
      case BLAKE2B:
        return new Routing(p, java, nat, false, 256);
      case CHACHA20_POLY1305:
        int cutover = Integer.getInteger("agentwire.native.chachaCutover", -1);
        if (cutover < 0) {
          cutover = jdkHasChaCha20Intrinsic() ? 768 : Integer.MAX_VALUE;
        }
        if (cutover == 0) {
          notes.add("agentwire.native.chachaCutover=0: ChaCha20-Poly1305 stays in Java");
          return new Routing(p, java, null, false, Integer.MAX_VALUE);
        }
        return new Routing(p, java, nat, true, cutover);
      default:
        return new Routing(p, java, null, false, Integer.MAX_VALUE);
    }
  }

  /**
   * Where native code can win at all. Randomness stays with the JDK's SecureRandom: it cannot be
   * checked by a known answer, and is nowhere near a bottleneck. AES-GCM stays with the JDK's
   * AES-NI intrinsics, which beat libsodium at every size measured.
   */
  private static boolean worthUsing(Primitive p) {
    return p == Primitive.X25519
        || p == Primitive.ED25519
        || p == Primitive.BLAKE2B
        || p == Primitive.CHACHA20_POLY1305;
  }

  /**
   * Whether the JDK compiles ChaCha20 to vector code: HotSpot 20 and later on x86-64 and AArch64.
   * The flag itself ({@code UseChaCha20Intrinsics}) is diagnostic and not visible through the
   * management API, and timing a cold JVM says nothing about the compiled code, so this goes by
   * version and architecture; {@code agentwire.native.chachaCutover} overrides it.
   */
  static boolean jdkHasChaCha20Intrinsic() {
    String arch = System.getProperty("os.arch", "");
    return Runtime.version().feature() >= 20
        && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
  }

  /** A one-line description for health reports. */
  public String describe() {
    if (nativeBackend == null) {
      return javaBackend.name();
    }
    if (below == above) {
      return below.name();
    }
    if (cutover == Integer.MAX_VALUE) {
      return below.name();
    }
    return below.name() + " below " + cutover + " bytes, " + above.name() + " from " + cutover;
  }

  /** Whether native code serves this primitive for some sizes. */
  public boolean usesNative() {
    return nativeBackend != null
        && nativeBackend.isNative()
        && (below == nativeBackend || (above == nativeBackend && cutover != Integer.MAX_VALUE));
  }

  DhFunction dh() {
    return below.dh(primitive);
  }

  /** Made once; a benign race may make it twice (it is stateless). */
  private SignatureFunction signature;

  SignatureFunction signature() {
    SignatureFunction s = signature;
    if (s == null) {
      s =
          nativeBackend == null
              ? javaBackend.signature(primitive)
              : new CofactoredEd25519(
                  nativeBackend.signature(primitive), javaBackend.signature(primitive), cutover);
      signature = s;
    }
    return s;
  }

  void randomBytes(byte[] out) {
    below.randomBytes(out);
  }

  AeadCipher newAead() {
    if (below == above || cutover == Integer.MAX_VALUE) {
      return below.newAead(primitive);
    }
    return new SizeRoutedAead(below.newAead(primitive), () -> above.newAead(primitive), cutover);
  }

  HashFunction newHash() {
    if (below == above || cutover == Integer.MAX_VALUE) {
      return below.newHash(primitive);
    }
    return new SizeRoutedHash(below.newHash(primitive), () -> above.newHash(primitive), cutover);
  }
}
