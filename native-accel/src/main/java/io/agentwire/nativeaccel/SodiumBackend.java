package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;

/**
 * The libsodium backend, found by the provider through {@link java.util.ServiceLoader}. Creating it
 * never fails: when JNA or libsodium is missing, or a self-test fails, it supports nothing (or
 * less) and {@link #status()} says why. Thread-safe.
 */
public final class SodiumBackend implements CryptoBackend {

  /** Constructor for ServiceLoader. */
  public SodiumBackend() {}

  @Override
  public String name() {
    return SodiumLibrary.LOADED ? "libsodium " + SodiumLibrary.VERSION : "libsodium (not loaded)";
  }

  @Override
  public boolean isNative() {
    return true;
  }

  @Override
  public String status() {
    if (!SodiumLibrary.LOADED) {
      return "not loaded: " + SodiumLibrary.FAILURE;
    }
    StringBuilder sb =
        new StringBuilder("libsodium ")
            .append(SodiumLibrary.VERSION)
            .append(" from ")
            .append(SodiumLibrary.LOCATION)
            .append("; self-tests passed: ")
            .append(SodiumLibrary.VERIFIED);
    for (String failure : SodiumLibrary.SELF_TEST_FAILURES) {
      sb.append("; ").append(failure);
    }
    return sb.toString();
  }

  @Override
  public boolean supports(Primitive primitive) {
    return SodiumLibrary.LOADED && SodiumLibrary.VERIFIED.contains(primitive);
  }

  private void require(Primitive primitive) {
    if (!supports(primitive)) {
      throw new UnsupportedOperationException(name() + " does not serve " + primitive);
    }
  }

  private void requireOneOf(Primitive primitive, Primitive... kinds) {
    if (!java.util.Arrays.asList(kinds).contains(primitive)) {
      throw new UnsupportedOperationException(
          primitive + " is not one of " + java.util.Arrays.toString(kinds));
    }
    require(primitive);
  }

  @Override
  public DhFunction dh(Primitive primitive) {
    requireOneOf(primitive, Primitive.X25519);
    return SodiumX25519.INSTANCE;
  }

  @Override
  public SignatureFunction signature(Primitive primitive) {
    requireOneOf(primitive, Primitive.ED25519);
    return SodiumEd25519.INSTANCE;
  }

  @Override
  public AeadCipher newAead(Primitive primitive) {
    requireOneOf(primitive, Primitive.CHACHA20_POLY1305, Primitive.AES_256_GCM);
    return new SodiumAead(
        primitive == Primitive.AES_256_GCM
            ? SodiumAead.Algorithm.AES_256_GCM
            : SodiumAead.Algorithm.CHACHA20_POLY1305);
  }

  /**
   * XChaCha20-Poly1305 (24-byte nonce), which Noise does not use; offered for callers that need
   * random nonces. Needs {@link #supports} of {@link Primitive#CHACHA20_POLY1305}.
   */
  public AeadCipher newXChaCha20Poly1305() {
    require(Primitive.CHACHA20_POLY1305);
    return new SodiumAead(SodiumAead.Algorithm.XCHACHA20_POLY1305);
  }

  @Override
  public HashFunction newHash(Primitive primitive) {
    requireOneOf(primitive, Primitive.BLAKE2B);
    return new SodiumBlake2b();
  }

  @Override
  public void randomBytes(byte[] out) {
    require(Primitive.RANDOM);
    fillRandom(out);
  }

  static void fillRandom(byte[] out) {
    NativeMemory window = ScratchPool.acquire(Math.min(out.length, 4096));
    try {
      for (int off = 0; off < out.length; off += window.capacity) {
        int n = Math.min(window.capacity, out.length - off);
        Sodium.randombytes_buf(window.address, n);
        window.get(0, out, off, n);
      }
    } finally {
      window.zero(0, Math.min(out.length, window.capacity));
      ScratchPool.release(window);
    }
  }
}
