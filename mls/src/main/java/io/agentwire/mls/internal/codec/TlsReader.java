package io.agentwire.mls.internal.codec;

import io.agentwire.mls.MlsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the TLS presentation language of RFC 9420 §2.1 from a byte array, bounds-checking every
 * length against what remains before allocating. Every failure is an {@link MlsException} with
 * {@link MlsException.Reason#MALFORMED} (or {@code LIMIT_EXCEEDED} for a caller's bound), never an
 * index exception. Not thread-safe.
 */
public final class TlsReader {

  private final byte[] buf;
  private int pos;
  private int end;

  public TlsReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public TlsReader(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new IllegalArgumentException("bad range");
    }
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  private static MlsException malformed(String what) {
    return new MlsException(MlsException.Reason.MALFORMED, what);
  }

  private void need(int n, String what) throws MlsException {
    if (n < 0 || n > end - pos) {
      throw malformed("truncated " + what + ": need " + n + " bytes, " + (end - pos) + " remain");
    }
  }

  /** Bytes not yet read. */
  public int remaining() {
    return end - pos;
  }

  /** The read position in the underlying array. */
  public int position() {
    return pos;
  }

  /** The underlying array, for callers that hash a span they have just read. */
  public byte[] array() {
    return buf;
  }

  public int u8() throws MlsException {
    need(1, "u8");
    return buf[pos++] & 0xff;
  }

  public int u16() throws MlsException {
    need(2, "u16");
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  public long u32() throws MlsException {
    need(4, "u32");
    long v =
        ((long) (buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  /** A u32 that must fit a non-negative int (leaf indices, generations). */
  public int u32AsInt(String what) throws MlsException {
    long v = u32();
    if (v > Integer.MAX_VALUE) {
      throw new MlsException(MlsException.Reason.LIMIT_EXCEEDED, what + " " + v + " is too large");
    }
    return (int) v;
  }

  public long u64() throws MlsException {
    long hi = u32();
    return (hi << 32) | u32();
  }

  /** A boolean: exactly 0 or 1. */
  public boolean bool() throws MlsException {
    int v = u8();
    if (v > 1) {
      throw malformed("boolean byte " + v);
    }
    return v == 1;
  }

  /** The variable-size length header of §2.1.2; non-minimal encodings and the 0b11 prefix fail. */
  public int varint() throws MlsException {
    need(1, "length header");
    int first = buf[pos] & 0xff;
    int prefix = first >>> 6;
    int v;
    switch (prefix) {
      case 0:
        pos++;
        return first;
      case 1:
        v = u16() & 0x3fff;
        if (v < 0x40) {
          throw malformed("non-minimal 2-byte length header");
        }
        return v;
      case 2:
        v = (int) (u32() & 0x3fffffffL);
        if (v < 0x4000) {
          throw malformed("non-minimal 4-byte length header");
        }
        return v;
      default:
        throw malformed("length header with reserved prefix 0b11");
    }
  }

  /** {@code n} raw bytes. */
  public byte[] raw(int n) throws MlsException {
    need(n, "field");
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** {@code opaque data<V>}. */
  public byte[] opaque() throws MlsException {
    return opaque(Integer.MAX_VALUE);
  }

  /** {@code opaque data<V>} of at most {@code max} bytes. */
  public byte[] opaque(int max) throws MlsException {
    int n = varint();
    if (n > max) {
      throw new MlsException(
          MlsException.Reason.LIMIT_EXCEEDED, "field of " + n + " bytes exceeds " + max);
    }
    return raw(n);
  }

  /** An {@code optional<T>}: null when absent. */
  public <T> T optional(Element<T> element) throws MlsException {
    return bool() ? element.read(this) : null;
  }

  /** A sub-reader over the next variable-size vector's body; this reader skips past it. */
  public TlsReader vectorBody() throws MlsException {
    int n = varint();
    need(n, "vector");
    TlsReader sub = new TlsReader(buf, pos, n);
    pos += n;
    return sub;
  }

  /** A variable-size vector of elements, each read by {@code element}, of at most {@code max}. */
  public <T> List<T> vector(Element<T> element, int max) throws MlsException {
    TlsReader sub = vectorBody();
    List<T> out = new ArrayList<>();
    while (sub.remaining() > 0) {
      if (out.size() >= max) {
        throw new MlsException(
            MlsException.Reason.LIMIT_EXCEEDED, "vector has more than " + max + " elements");
      }
      out.add(element.read(sub));
    }
    return out;
  }

  /** A variable-size vector with no element bound beyond its byte length. */
  public <T> List<T> vector(Element<T> element) throws MlsException {
    return vector(element, Integer.MAX_VALUE);
  }

  /** Fails unless every byte has been read (no trailing data). */
  public void finish(String what) throws MlsException {
    if (pos != end) {
      throw malformed((end - pos) + " trailing bytes after " + what);
    }
  }

  /** Reads one value. */
  @FunctionalInterface
  public interface Element<T> {
    T read(TlsReader r) throws MlsException;
  }
}
