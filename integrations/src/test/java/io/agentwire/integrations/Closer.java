package io.agentwire.integrations;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Servers and clients a test started, closed in reverse order by the test's {@code @AfterEach}:
 * every failure is reported, none stops the others from closing.
 */
public final class Closer implements AutoCloseable {

  /** Something whose stop may throw anything. */
  @FunctionalInterface
  public interface Stop {
    void stop() throws Exception;
  }

  private final Deque<Stop> stops = new ArrayDeque<>();

  /** Registers {@code stop} and returns {@code value}, so a start reads as one expression. */
  public synchronized <T> T add(T value, Stop stop) {
    stops.push(stop);
    return value;
  }

  public synchronized <T extends AutoCloseable> T add(T closeable) {
    return add(closeable, closeable::close);
  }

  @Override
  public synchronized void close() throws Exception {
    Exception first = null;
    while (!stops.isEmpty()) {
      try {
        stops.pop().stop();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
