package io.agentwire.provider.signal.internal;

import io.agentwire.provider.shared.internal.DecodingException;
import java.io.ByteArrayOutputStream;

/**
 * The small part of the protocol buffers wire format that Signal's version-3 messages use: varint
 * and length-delimited fields. The reader bounds every length by the bytes that remain and refuses
 * anything else with a {@link DecodingException}, which the v3 ratchet profile reports as the
 * ratchet's {@code MALFORMED} and the v3 X3DH profile as X3DH's. Not thread-safe.
 */
public final class Protobuf {

  static final int VARINT = 0;
  static final int LENGTH_DELIMITED = 2;

  private Protobuf() {}

  /** Appends fields in order. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public Writer uint32(int field, long value) {
      varint(((long) field << 3) | VARINT);
      varint(value & 0xffffffffL);
      return this;
    }

    public Writer bytes(int field, byte[] value) {
      varint(((long) field << 3) | LENGTH_DELIMITED);
      varint(value.length);
      out.write(value, 0, value.length);
      return this;
    }

    private void varint(long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) ((value & 0x7f) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }

    public byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Reads fields one at a time from {@code data[offset..offset+length)}. */
  public static final class Reader {
    private final byte[] data;
    private int position;
    private final int end;
    private int field;
    private int wireType;

    public Reader(byte[] data, int offset, int length) {
      this.data = data;
      this.position = offset;
      this.end = offset + length;
    }

    /** Advances to the next field; false at the end. */
    public boolean next() throws DecodingException {
      if (position >= end) {
        return false;
      }
      long tag = varint();
      field = (int) (tag >>> 3);
      wireType = (int) (tag & 7);
      if (field == 0 || tag >>> 3 > Integer.MAX_VALUE) {
        throw malformed("a field number is invalid");
      }
      return true;
    }

    public int field() {
      return field;
    }

    /** The current field as an unsigned 32-bit integer. */
    public long uint32() throws DecodingException {
      expect(VARINT);
      long v = varint();
      // Unsigned: a varint of 2^63 or more is negative as a long.
      if (Long.compareUnsigned(v, 0xffffffffL) > 0) {
        throw malformed("field " + field + " exceeds 32 bits");
      }
      return v;
    }

    /** The current length-delimited field. */
    public byte[] bytes() throws DecodingException {
      expect(LENGTH_DELIMITED);
      long n = varint();
      if (Long.compareUnsigned(n, end - position) > 0) {
        throw malformed("field " + field + " is longer than the message");
      }
      byte[] v = new byte[(int) n];
      System.arraycopy(data, position, v, 0, v.length);
      position += v.length;
      return v;
    }

    /** Skips the current field, whatever its wire type (groups are refused). */
    public void skip() throws DecodingException {
      switch (wireType) {
        case VARINT -> varint();
        case LENGTH_DELIMITED -> bytes();
        case 1 -> advance(8);
        case 5 -> advance(4);
        default -> throw malformed("unsupported wire type " + wireType);
      }
    }

    private void advance(int n) throws DecodingException {
      if (n > end - position) {
        throw malformed("a field is truncated");
      }
      position += n;
    }

    private void expect(int type) throws DecodingException {
      if (wireType != type) {
        throw malformed("field " + field + " has wire type " + wireType);
      }
    }

    private long varint() throws DecodingException {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (position >= end) {
          throw malformed("a varint is truncated");
        }
        int b = data[position++] & 0xff;
        if (shift == 63 && b > 1) {
          throw malformed("a varint exceeds 64 bits");
        }
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw malformed("a varint is longer than 10 bytes");
    }
  }

  public static DecodingException malformed(String what) {
    return new DecodingException("malformed Signal message: " + what);
  }
}
