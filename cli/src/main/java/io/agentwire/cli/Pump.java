package io.agentwire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies one stream to another, flushing as it goes, so interactive use feels like netcat. */
final class Pump {

  private Pump() {}

  static long copy(InputStream in, OutputStream out) throws IOException {
    return copy(in, out, () -> {});
  }

  /** As {@link #copy(InputStream, OutputStream)}, calling {@code progress} after each write. */
  static long copy(InputStream in, OutputStream out, Runnable progress) throws IOException {
    byte[] buf = new byte[16 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (n > 0) {
        out.write(buf, 0, n);
        out.flush();
        total += n;
        progress.run();
      }
    }
    return total;
  }
}
