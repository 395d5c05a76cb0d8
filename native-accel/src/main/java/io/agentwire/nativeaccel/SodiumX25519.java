package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.DhFunction;
import java.security.InvalidKeyException;
import java.util.Arrays;

/** X25519 through {@code crypto_scalarmult}; thread-safe (one native scratch area per thread). */
final class SodiumX25519 implements DhFunction {

  static final SodiumX25519 INSTANCE = new SodiumX25519();

  private static final int OUT = 0;
  private static final int SCALAR = 32;
  private static final int POINT = 64;
  private static final ThreadLocal<NativeMemory> SCRATCH =
      ThreadLocal.withInitial(() -> new NativeMemory(96));

  private SodiumX25519() {}

  @Override
  public int keyLength() {
    return 32;
  }

  @Override
  public void publicKey(byte[] privateKey, byte[] publicKeyOut) {
    NativeMemory m = SCRATCH.get();
    m.put(SCALAR, privateKey, 0, 32);
    int rc = Sodium.crypto_scalarmult_base(m.address + OUT, m.address + SCALAR);
    m.get(OUT, publicKeyOut, 0, 32);
    m.wipe(0, 64);
    if (rc != 0) {
      throw new IllegalStateException("crypto_scalarmult_base failed");
    }
  }

  @Override
  public void agree(byte[] privateKey, byte[] publicKey, byte[] sharedOut)
      throws InvalidKeyException {
    NativeMemory m = SCRATCH.get();
    m.put(SCALAR, privateKey, 0, 32);
    m.put(POINT, publicKey, 0, 32);
    int rc = Sodium.crypto_scalarmult(m.address + OUT, m.address + SCALAR, m.address + POINT);
    m.get(OUT, sharedOut, 0, 32);
    m.wipe(0, 64);
    if (rc != 0) {
      Arrays.fill(sharedOut, (byte) 0);
      throw new InvalidKeyException(
          "X25519 public key has small order: the shared secret would be all zeros");
    }
  }
}
