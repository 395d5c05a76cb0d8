package io.agentwire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code \n}-terminated lines (a {@code \r} before it is dropped) with a bound: a line longer
 * than the bound is read to its end and discarded, keeping only its first bytes, so a hostile input
 * costs time but never memory.
 */
final class LineReader {

  /** How much of a too-long line is kept, to name its command. */
  static final int KEPT = 64;

  /** A line; {@code overflow} when it was longer than the bound and holds only its start. */
  record Line(byte[] bytes, boolean overflow) {}

  private final InputStream in;
  private final int max;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;
  private boolean eof;

  LineReader(InputStream in, int max) {
    this.in = in;
    this.max = max;
  }

  /** The next line, or null at the end of input. */
  Line next() throws IOException {
    byte[] line = new byte[Math.min(max, 256)];
    int n = 0;
    boolean overflow = false;
    boolean any = false;
    while (true) {
      if (pos == end) {
        if (eof || !fill()) {
          if (!any) {
            return null;
          }
          break; // a last line without its line end
        }
      }
      any = true;
      int nl = -1;
      for (int i = pos; i < end; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int stop = nl < 0 ? end : nl;
      int len = stop - pos;
      if (!overflow) {
        if ((long) n + len > max) {
          overflow = true;
          int keep = Math.min(n, KEPT);
          int more = Math.min(KEPT - keep, len);
          byte[] kept = Arrays.copyOf(line, keep + more);
          System.arraycopy(buf, pos, kept, keep, more);
          line = kept;
          n = kept.length;
        } else {
          if (n + len > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(max, Math.max(n + len, 2L * line.length)));
          }
          System.arraycopy(buf, pos, line, n, len);
          n += len;
        }
      }
      pos = nl < 0 ? end : nl + 1;
      if (nl >= 0) {
        break;
      }
    }
    if (!overflow && n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return new Line(Arrays.copyOf(line, n), overflow);
  }

  private boolean fill() throws IOException {
    int r = in.read(buf);
    if (r <= 0) {
      eof = true;
      return false;
    }
    pos = 0;
    end = r;
    return true;
  }
}
