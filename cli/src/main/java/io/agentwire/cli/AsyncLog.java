package io.agentwire.cli;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log lines for stderr from a thread that must never block (an AgentServer's selector thread): a
 * bounded queue that a daemon thread prints from. When stderr cannot keep up, lines are dropped and
 * counted, and the count is printed once the queue has room again, so a flood of failing
 * connections can slow neither the server nor its memory.
 */
final class AsyncLog {

  private static final int CAPACITY = 10_000;

  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread printer;

  AsyncLog() {
    printer = new Thread(this::run, "log");
    printer.setDaemon(true);
    printer.start();
  }

  /** Queues {@code line}; never blocks. */
  void log(String line) {
    if (!lines.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  /** Waits up to a second for the queued lines to be printed. */
  void flush() {
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (!lines.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (System.err) {
      System.err.flush();
    }
  }

  private void run() {
    try {
      while (true) {
        String line = lines.take();
        synchronized (System.err) {
          System.err.println(line);
          long lost = dropped.getAndSet(0);
          if (lost > 0) {
            System.err.println("(" + lost + " log lines dropped: stderr could not keep up)");
          }
          if (lines.isEmpty()) {
            System.err.flush();
          }
        }
      }
    } catch (InterruptedException e) {
      // the JVM is ending
    }
  }
}
