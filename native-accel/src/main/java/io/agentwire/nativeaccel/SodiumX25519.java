package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.DhFunction;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * X25519 through {@code crypto_scalarmult}. Stateless and thread-safe: each call stages scalar and
 * point in a pooled native area and wipes scalar and result there on every path.
 */
final class SodiumX25519 implements DhFunction {

  static final SodiumX25519 INSTANCE = new SodiumX25519();

  private static final int OUT = 0;
  private static final int SCALAR = 32;
  private static final int POINT = 64;

  private SodiumX25519() {}

  @Override
  public int keyLength() {
    return 32;
  }

  private static void check(byte[] b, String what) {
    if (b.length < 32) {
      throw new IllegalArgumentException(what + " must be 32 bytes, got " + b.length);
    }
  }

  @Override
  public void publicKey(byte[] privateKey, byte[] publicKeyOut) {
    check(privateKey, "private key");
    check(publicKeyOut, "output");
    NativeMemory m = ScratchPool.acquire(96);
    try {
      m.put(SCALAR, privateKey, 0, 32);
      if (Sodium.crypto_scalarmult_base(m.address + OUT, m.address + SCALAR) != 0) {
        throw new IllegalStateException("crypto_scalarmult_base failed");
      }
      m.get(OUT, publicKeyOut, 0, 32);
    } finally {
      m.zero(0, 64);
      ScratchPool.release(m);
    }
  }

  @Override
  public void agree(byte[] privateKey, byte[] publicKey, byte[] sharedOut)
      throws InvalidKeyException {
    check(privateKey, "private key");
    check(publicKey, "public key");
    check(sharedOut, "output");
    NativeMemory m = ScratchPool.acquire(96);
    int rc;
    try {
      m.put(SCALAR, privateKey, 0, 32);
      m.put(POINT, publicKey, 0, 32);
      rc = Sodium.crypto_scalarmult(m.address + OUT, m.address + SCALAR, m.address + POINT);
      if (rc == 0) {
        m.get(OUT, sharedOut, 0, 32);
      }
    } finally {
      m.zero(0, 64);
      ScratchPool.release(m);
    }
    if (rc != 0) {
      Arrays.fill(sharedOut, (byte) 0);
      throw new InvalidKeyException(
          "X25519 public key has small order: the shared secret would be all zeros");
    }
  }
}
