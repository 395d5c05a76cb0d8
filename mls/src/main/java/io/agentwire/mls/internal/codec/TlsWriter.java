package io.agentwire.mls.internal.codec;

import java.util.Arrays;

/**
 * Writes the TLS presentation language as RFC 9420 §2.1 uses it: big-endian integers, and
 * variable-length vectors with the variable-size length prefix of §2.1.2. Not thread-safe.
 */
public final class TlsWriter {

  /** The largest vector length the variable-size prefix can carry (2^30 - 1). */
  public static final int MAX_VARINT = (1 << 30) - 1;

  private byte[] buf;
  private int len;

  public TlsWriter() {
    this(64);
  }

  public TlsWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    int need = len + extra;
    if (need < 0) {
      throw new IllegalStateException("encoding exceeds 2 GiB");
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
  }

  public TlsWriter u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  public TlsWriter u16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public TlsWriter u32(long v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public TlsWriter u64(long v) {
    u32(v >>> 32);
    return u32(v & 0xffffffffL);
  }

  /** A boolean as one byte, 0 or 1. */
  public TlsWriter bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  /** The variable-size length header of §2.1.2, in its shortest form. */
  public TlsWriter varint(int v) {
    if (v < 0 || v > MAX_VARINT) {
      throw new IllegalArgumentException("length " + v + " does not fit a variable-size header");
    }
    if (v < 0x40) {
      return u8(v);
    }
    if (v < 0x4000) {
      return u16(0x4000 | v);
    }
    return u32(0x80000000L | v);
  }

  /** Raw bytes, without a length prefix. */
  public TlsWriter raw(byte[] b) {
    return raw(b, 0, b.length);
  }

  public TlsWriter raw(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  /** {@code opaque data<V>}: a variable-size length, then the bytes. */
  public TlsWriter opaque(byte[] b) {
    varint(b.length);
    return raw(b);
  }

  /** An {@code optional<T>}: a presence byte, then {@code T} written by {@code body}. */
  public <T> TlsWriter optional(T value, Body<T> body) {
    if (value == null) {
      return u8(0);
    }
    u8(1);
    body.write(this, value);
    return this;
  }

  /**
   * A variable-size vector: {@code body} writes the elements, then this writes their total byte
   * length in front of them.
   */
  public TlsWriter vector(Runnable body) {
    int start = len;
    body.run();
    int bodyLength = len - start;
    byte[] header = new TlsWriter(4).varint(bodyLength).toByteArray();
    ensure(header.length);
    System.arraycopy(buf, start, buf, start + header.length, bodyLength);
    System.arraycopy(header, 0, buf, start, header.length);
    len += header.length;
    return this;
  }

  /** A variable-size vector of {@code items}, each written by {@code element}. */
  public <T> TlsWriter vector(Iterable<T> items, Body<T> element) {
    return vector(
        () -> {
          for (T item : items) {
            element.write(this, item);
          }
        });
  }

  /** The bytes written so far. */
  public int length() {
    return len;
  }

  /** A copy of the bytes written so far. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Overwrites the internal buffer with zeros, for encodings that held secrets. */
  public void wipe() {
    Arrays.fill(buf, (byte) 0);
    len = 0;
  }

  /** Writes one value. */
  @FunctionalInterface
  public interface Body<T> {
    void write(TlsWriter w, T value);
  }

  /** Something with a TLS encoding. */
  public interface Encodable {
    void encode(TlsWriter w);

    /** This value's encoding on its own. */
    default byte[] toBytes() {
      TlsWriter w = new TlsWriter();
      encode(w);
      return w.toByteArray();
    }
  }
}
