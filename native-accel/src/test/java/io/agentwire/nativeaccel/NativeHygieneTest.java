package io.agentwire.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.PureJavaBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What native calls leave behind: no keys or plaintext in scratch memory, bounded pools. */
class NativeHygieneTest {

  private static final SodiumBackend NATIVE = new SodiumBackend();

  @BeforeEach
  void needsLibsodium() {
    NativeAvailable.check();
  }

  /** Takes every pooled area out, checks it, and puts them back. */
  private static void assertPoolHoldsNo(byte[] secret) {
    List<NativeMemory> drained = new ArrayList<>();
    for (int i = 0; i < ScratchPool.MAX_POOLED + 1; i++) {
      NativeMemory m = ScratchPool.acquire(1);
      drained.add(m);
      byte[] all = new byte[m.capacity];
      m.get(0, all, 0, all.length);
      for (int at = 0; at + secret.length <= all.length; at++) {
        assertTrue(
            !Arrays.equals(all, at, at + secret.length, secret, 0, secret.length),
            "a secret was left in pooled native memory at offset " + at);
      }
    }
    drained.forEach(ScratchPool::release);
  }

  @Test
  void keysAndPlaintextAreWipedOnEveryPath() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xab);
    byte[] secret =
        "TOP-SECRET-PLAINTEXT-0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    AeadCipher a = NATIVE.newAead(Primitive.CHACHA20_POLY1305);
    a.setKey(key);
    byte[] nonce = new byte[12];
    byte[] ct = new byte[secret.length + 16];
    byte[] keyPart = Arrays.copyOf(key, 16);
    byte[] secretPart = Arrays.copyOf(secret, 16);
    a.seal(nonce, null, 0, 0, secret, 0, secret.length, ct, 0);
    assertPoolHoldsNo(keyPart);
    assertPoolHoldsNo(secretPart);
    byte[] back = new byte[secret.length];
    a.open(nonce, null, 0, 0, ct, 0, ct.length, back, 0);
    assertArrayEquals(secret, back);
    assertPoolHoldsNo(keyPart);
    assertPoolHoldsNo(secretPart);
    ct[0] ^= 1;
    assertThrows(
        javax.crypto.AEADBadTagException.class,
        () -> a.open(nonce, null, 0, 0, ct, 0, ct.length, back, 0));
    assertPoolHoldsNo(keyPart);
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> a.seal(nonce, null, 0, 0, secret, 5, secret.length, ct, 0));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> a.seal(nonce, new byte[2], 0, 9, secret, 0, secret.length, ct, 0));
    assertPoolHoldsNo(keyPart);
    byte[] scalar = new byte[32];
    Arrays.fill(scalar, (byte) 0x5a);
    byte[] scalarPart = Arrays.copyOf(scalar, 16);
    assertThrows(
        IllegalArgumentException.class,
        () -> NATIVE.dh(Primitive.X25519).agree(scalar, new byte[31], new byte[32]));
    NATIVE.dh(Primitive.X25519).agree(scalar, pub(), new byte[32]);
    assertPoolHoldsNo(scalarPart);
    byte[] pubOut = new byte[32];
    NATIVE.dh(Primitive.X25519).publicKey(scalar, pubOut);
    assertPoolHoldsNo(scalarPart);
  }

  private static byte[] pub() {
    byte[] p = new byte[32];
    PureJavaBackend.INSTANCE
        .dh(Primitive.X25519)
        .publicKey(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
              25, 26, 27, 28, 29, 30, 31, 32
            },
            p);
    return p;
  }

  @Test
  void aHashThatFailsToFinishNeverReturnsItsInput() {
    HashFunction h = NATIVE.newHash(Primitive.BLAKE2B);
    h.update(new byte[10], 0, 10);
    assertThrows(IndexOutOfBoundsException.class, () -> h.doFinal(new byte[10], 0));
    byte[] input = new byte[100];
    Arrays.fill(input, (byte) 0x77);
    h.update(input, 0, input.length);
    byte[] got = new byte[64];
    h.doFinal(got, 0);
    HashFunction j = PureJavaBackend.INSTANCE.newHash(Primitive.BLAKE2B);
    j.update(new byte[10], 0, 10);
    j.update(input, 0, input.length);
    byte[] want = new byte[64];
    j.doFinal(want, 0);
    assertArrayEquals(want, got, "the failed doFinal left the state as it was");
  }

  @Test
  void manyThreadsDoNotKeepNativeMemoryEach() throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  AeadCipher a = NATIVE.newAead(Primitive.CHACHA20_POLY1305);
                  a.setKey(new byte[32]);
                  byte[] out = new byte[1040];
                  a.seal(new byte[12], null, 0, 0, new byte[1024], 0, 1024, out, 0);
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertTrue(
        ScratchPool.pooledCount() <= ScratchPool.MAX_POOLED,
        "pooled: " + ScratchPool.pooledCount());
    List<NativeMemory> drained = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      drained.add(ScratchPool.acquire(1)); // as if 1000 calls ran at once
    }
    drained.forEach(ScratchPool::release);
    assertTrue(
        ScratchPool.pooledCount() <= ScratchPool.MAX_POOLED,
        "the pool keeps at most "
            + ScratchPool.MAX_POOLED
            + " areas, not one per caller: "
            + ScratchPool.pooledCount());
  }
}
