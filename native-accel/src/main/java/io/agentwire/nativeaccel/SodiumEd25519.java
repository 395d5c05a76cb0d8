package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.SignatureFunction;

/**
 * Ed25519 through {@code crypto_sign_seed_keypair}, {@code crypto_sign_detached} and {@code
 * crypto_sign_verify_detached}. Stateless and thread-safe: each call stages its inputs in a pooled
 * native area (one sized to the message when it is large) and wipes the seed and the expanded
 * secret key there on every path. Signing derives the public key from the seed every time, so no
 * caller can pair a seed with the wrong public key.
 */
final class SodiumEd25519 implements SignatureFunction {

  static final SodiumEd25519 INSTANCE = new SodiumEd25519();

  // Layout of the scratch area: public key, 64-byte secret key (seed || public key), seed,
  // signature, then the message.
  private static final int PK = 0;
  private static final int SK = 32;
  private static final int SEED = 96;
  private static final int SIG = 128;
  private static final int MSG = 192;

  private SodiumEd25519() {}

  @Override
  public int keyLength() {
    return 32;
  }

  @Override
  public int signatureLength() {
    return 64;
  }

  private static void check(byte[] b, int length, String what) {
    if (b.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + b.length);
    }
  }

  private static void checkRange(byte[] message, int offset, int length) {
    if (offset < 0 || length < 0 || offset > message.length - length) {
      throw new IndexOutOfBoundsException(
          "message range " + offset + "+" + length + " outside " + message.length + " bytes");
    }
  }

  /** Stages the seed and derives the public key and the 64-byte secret key from it, in place. */
  private static void expand(NativeMemory m, byte[] seed) {
    m.put(SEED, seed, 0, 32);
    if (Sodium.crypto_sign_seed_keypair(m.address + PK, m.address + SK, m.address + SEED) != 0) {
      throw new IllegalStateException("crypto_sign_seed_keypair failed");
    }
  }

  @Override
  public void publicKey(byte[] seed, byte[] publicKeyOut) {
    check(seed, 32, "an Ed25519 seed");
    check(publicKeyOut, 32, "the public key output");
    NativeMemory m = ScratchPool.acquire(MSG);
    try {
      expand(m, seed);
      m.get(PK, publicKeyOut, 0, 32);
    } finally {
      m.zero(0, MSG);
      ScratchPool.release(m);
    }
  }

  @Override
  public void sign(byte[] seed, byte[] message, int offset, int length, byte[] signatureOut) {
    check(seed, 32, "an Ed25519 seed");
    check(signatureOut, 64, "the signature output");
    checkRange(message, offset, length);
    NativeMemory m = ScratchPool.acquire((long) MSG + length);
    try {
      expand(m, seed);
      m.put(MSG, message, offset, length);
      if (Sodium.crypto_sign_detached(m.address + SIG, 0L, m.address + MSG, length, m.address + SK)
          != 0) {
        throw new IllegalStateException("crypto_sign_detached failed");
      }
      m.get(SIG, signatureOut, 0, 64);
    } finally {
      // The message is wiped too: in MLS it is the signed content, application plaintext included.
      m.wipe(0, MSG + length);
      ScratchPool.release(m);
    }
  }

  @Override
  public boolean verify(
      byte[] publicKey, byte[] message, int offset, int length, byte[] signature) {
    if (publicKey.length != 32 || signature.length != 64) {
      return false;
    }
    checkRange(message, offset, length);
    NativeMemory m = ScratchPool.acquire((long) MSG + length);
    try {
      m.put(PK, publicKey, 0, 32);
      m.put(SIG, signature, 0, 64);
      m.put(MSG, message, offset, length);
      return Sodium.crypto_sign_verify_detached(
              m.address + SIG, m.address + MSG, length, m.address + PK)
          == 0;
    } finally {
      m.wipe(MSG, length);
      ScratchPool.release(m);
    }
  }
}
