package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.HashFunction;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * BLAKE2b-512 through {@code crypto_generichash_*}. The 384-byte state lives in this object's own
 * aligned native buffer; input streams through pooled scratch areas that are wiped after use. Every
 * libsodium return code is checked. Not thread-safe.
 */
final class SodiumBlake2b implements HashFunction {

  private static final int STATE_BYTES = (int) Sodium.crypto_generichash_statebytes();
  private static final int WINDOW = 16384;

  private final NativeMemory state = new NativeMemory(STATE_BYTES, 64);

  SodiumBlake2b() {
    reset();
  }

  private SodiumBlake2b(SodiumBlake2b from) {
    state.buffer.put(0, from.state.buffer, 0, STATE_BYTES);
    Reference.reachabilityFence(from);
  }

  @Override
  public HashFunction copy() {
    return new SodiumBlake2b(this);
  }

  @Override
  public int hashLength() {
    return 64;
  }

  @Override
  public int blockLength() {
    return 128;
  }

  private static void ok(int rc, String call) {
    if (rc != 0) {
      throw new IllegalStateException(call + " failed in libsodium");
    }
  }

  @Override
  public void update(byte[] in, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, in.length);
    if (length == 0) {
      return;
    }
    int staged = Math.min(length, WINDOW);
    NativeMemory data = ScratchPool.acquire(staged);
    int window = Math.min(data.capacity, WINDOW);
    try {
      while (length > 0) {
        int n = Math.min(length, window);
        data.put(0, in, offset, n);
        ok(Sodium.crypto_generichash_update(state.address, data.address, n), "update");
        offset += n;
        length -= n;
      }
    } finally {
      data.zero(0, Math.min(window, staged));
      ScratchPool.release(data);
      // Native code holds only the address: keep the buffer behind it reachable until it returns.
      Reference.reachabilityFence(state);
    }
  }

  @Override
  public void doFinal(byte[] out, int offset) {
    Objects.checkFromIndexSize(offset, 64, out.length);
    NativeMemory digest = ScratchPool.acquire(64);
    try {
      ok(Sodium.crypto_generichash_final(state.address, digest.address, 64), "final");
      digest.get(0, out, offset, 64);
    } finally {
      digest.zero(0, 64);
      ScratchPool.release(digest);
      reset();
    }
  }

  @Override
  public void reset() {
    ok(Sodium.crypto_generichash_init(state.address, 0, 0, 64), "init");
    Reference.reachabilityFence(state);
  }
}
