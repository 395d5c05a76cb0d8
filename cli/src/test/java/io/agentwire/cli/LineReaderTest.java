package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static LineReader reader(String s, int max) {
    return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
  }

  private static String text(LineReader.Line l) {
    return new String(l.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void splitsOnNewlinesDropsCarriageReturnsAndKeepsAnUnterminatedLastLine() throws IOException {
    LineReader r = reader("one\r\ntwo\n\nthree", 100);
    assertEquals("one", text(r.next()));
    assertEquals("two", text(r.next()));
    assertEquals("", text(r.next()));
    assertEquals("three", text(r.next()));
    assertNull(r.next());
    assertNull(r.next());
  }

  @Test
  void aTooLongLineIsSkippedToItsEndKeepingOnlyItsStart() throws IOException {
    LineReader r = reader("add " + "A".repeat(1000) + "\nstate\n", 100);
    LineReader.Line l = r.next();
    assertTrue(l.overflow());
    assertEquals(LineReader.KEPT, l.bytes().length);
    assertTrue(text(l).startsWith("add AAAA"));
    LineReader.Line next = r.next();
    assertFalse(next.overflow());
    assertEquals("state", text(next));
    assertEquals("x".repeat(100), text(reader("x".repeat(100), 100).next()));
    assertTrue(reader("x".repeat(101), 100).next().overflow());
  }

  /** A gigabyte without a newline costs no memory: the reader keeps 64 bytes of it. */
  @Test
  void anEndlessLineDoesNotExhaustMemory() throws IOException {
    long total = 1L << 30;
    InputStream endless =
        new InputStream() {
          long left = total;

          @Override
          public int read() {
            return left-- > 0 ? 'z' : (left == -1 ? '\n' : -1);
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              if (left == 0) {
                left = -1;
                b[off] = '\n';
                return 1;
              }
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'z');
            left -= n;
            return n;
          }
        };
    LineReader r = new LineReader(endless, 1 << 20);
    LineReader.Line l = r.next();
    assertTrue(l.overflow());
    assertArrayEquals("z".repeat(LineReader.KEPT).getBytes(StandardCharsets.US_ASCII), l.bytes());
    assertNull(r.next());
  }
}
