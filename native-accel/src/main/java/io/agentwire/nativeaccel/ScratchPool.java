package io.agentwire.nativeaccel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native scratch areas shared by all threads: a call takes one, stages its inputs, calls libsodium,
 * wipes what was secret and gives it back. The pool holds about as many areas as calls ever ran at
 * once (a native call pins its thread), never more than {@link #MAX_POOLED}, so a server with many
 * threads, virtual or not, does not keep native memory per thread. Areas for inputs above {@link
 * #MAX_POOLED_SIZE} are made for the one call and dropped.
 */
final class ScratchPool {

  static final int MAX_POOLED = 64;
  static final int MAX_POOLED_SIZE = 65536 + 1024;
  private static final int MIN_SIZE = 4096;

  private static final ConcurrentLinkedQueue<NativeMemory> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();

  private ScratchPool() {}

  static NativeMemory acquire(long size) {
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("input of " + size + " bytes is too large");
    }
    NativeMemory m = POOL.poll();
    if (m != null) {
      POOLED.decrementAndGet();
      if (m.capacity >= size) {
        return m;
      }
    }
    return new NativeMemory((int) Math.max(size, MIN_SIZE));
  }

  /** How many areas the pool holds now; for tests. */
  static int pooledCount() {
    return POOLED.get();
  }

  /** Returns an area whose secrets the caller has already wiped. */
  static void release(NativeMemory m) {
    if (m.capacity <= MAX_POOLED_SIZE && POOLED.incrementAndGet() <= MAX_POOLED) {
      POOL.offer(m);
    } else if (m.capacity <= MAX_POOLED_SIZE) {
      POOLED.decrementAndGet();
    }
  }
}
