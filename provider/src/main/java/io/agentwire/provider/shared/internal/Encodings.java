package io.agentwire.provider.shared.internal;

import java.util.Arrays;

/**
 * The byte-level encodings the ratchet formats share: X3DH's {@code Encode(PK)} (0x05 then the
 * 32-byte X25519 key, as libsignal encodes keys) and big-endian unsigned 32-bit integers. A key
 * that does not decode is a {@link DecodingException}, which the caller reports as its own
 * concept's {@code MALFORMED}. Stateless.
 */
public final class Encodings {

  /** Length of an encoded key. */
  public static final int ENCODED_KEY_LENGTH = 33;

  /** The type byte libsignal gives Curve25519 keys. */
  public static final int DJB_TYPE = 0x05;

  private Encodings() {}

  /** {@code Encode(PK)}: 0x05 then the raw key. */
  public static byte[] encodeKey(byte[] raw) {
    byte[] out = new byte[ENCODED_KEY_LENGTH];
    out[0] = DJB_TYPE;
    System.arraycopy(raw, 0, out, 1, 32);
    return out;
  }

  /** Decodes a whole array that must be exactly one encoded key. */
  public static byte[] decodeKey(byte[] encoded) throws DecodingException {
    if (encoded.length != ENCODED_KEY_LENGTH) {
      throw notAKey();
    }
    return decodeKey(encoded, 0);
  }

  /**
   * Decodes the key at {@code in[offset]}. Bit 255 must be clear: X25519 ignores it, and refusing
   * it keeps one message from having two encodings.
   *
   * @throws DecodingException if the type byte is not 0x05, the key is not canonical or fewer than
   *     33 bytes remain
   */
  public static byte[] decodeKey(byte[] in, int offset) throws DecodingException {
    if (in.length - offset < ENCODED_KEY_LENGTH
        || in[offset] != DJB_TYPE
        || (in[offset + 32] & 0x80) != 0) {
      throw notAKey();
    }
    return Arrays.copyOfRange(in, offset + 1, offset + ENCODED_KEY_LENGTH);
  }

  private static DecodingException notAKey() {
    return new DecodingException("a key is not encoded as 0x05 followed by a canonical X25519 key");
  }

  public static void putUint32(byte[] out, int offset, long v) {
    out[offset] = (byte) (v >>> 24);
    out[offset + 1] = (byte) (v >>> 16);
    out[offset + 2] = (byte) (v >>> 8);
    out[offset + 3] = (byte) v;
  }

  public static long getUint32(byte[] in, int offset) {
    return ((in[offset] & 0xffL) << 24)
        | ((in[offset + 1] & 0xffL) << 16)
        | ((in[offset + 2] & 0xffL) << 8)
        | (in[offset + 3] & 0xffL);
  }
}
