package io.agentwire.testsupport;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for tests. */
public final class TestThreads {

  private TestThreads() {}

  /**
   * A cached pool of daemon threads named {@code name-1}, {@code name-2}, ...: a test that hangs or
   * forgets to shut it down never keeps the JVM alive, and a thread dump says whose threads they
   * are.
   */
  public static ExecutorService daemonPool(String name) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, name + "-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
