package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.HashFunction;
import java.lang.ref.Reference;

/** BLAKE2b-512 through {@code crypto_generichash_*}, streaming through a native window. */
final class SodiumBlake2b implements HashFunction {

  private static final int STATE_BYTES = (int) Sodium.crypto_generichash_statebytes();
  private static final int WINDOW = 16384;

  private static final ThreadLocal<NativeMemory> DATA =
      ThreadLocal.withInitial(() -> new NativeMemory(WINDOW));

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

  @Override
  public void update(byte[] in, int offset, int length) {
    NativeMemory data = DATA.get();
    while (length > 0) {
      int n = Math.min(length, WINDOW);
      data.put(0, in, offset, n);
      Sodium.crypto_generichash_update(state.address, data.address, n);
      offset += n;
      length -= n;
    }
    // Native code holds only the address: keep the buffer behind it reachable until it returns.
    Reference.reachabilityFence(state);
  }

  @Override
  public void doFinal(byte[] out, int offset) {
    NativeMemory data = DATA.get();
    Sodium.crypto_generichash_final(state.address, data.address, 64);
    data.get(0, out, offset, 64);
    reset();
    Reference.reachabilityFence(state);
  }

  @Override
  public void reset() {
    Sodium.crypto_generichash_init(state.address, 0, 0, 64);
    Reference.reachabilityFence(state);
  }
}
