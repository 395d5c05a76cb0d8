package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.shared.internal.Sha256Trailer;
import io.agentwire.provider.shared.internal.WipeableOutput;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.X3dhException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frame both serialized X3DH objects share (docs/RATCHET.md, sections 5.4 and 5.5): a magic,
 * format version 1, the profile's {@link X3dhProfile#blobId() id}, the body, and a SHA-256 trailer
 * that detects corruption (not tampering). Stateless.
 */
final class X3dhBlob {

  static final int VERSION = 1;

  private X3dhBlob() {}

  /** A buffer of {@code capacity} bytes holding the frame's header; the caller writes the body. */
  static WipeableOutput start(int capacity, byte[] magic, X3dhProfile profile) {
    WipeableOutput out = new WipeableOutput(capacity);
    out.writeBytes(magic);
    out.write(VERSION);
    out.write(profile.blobId());
    return out;
  }

  /** The bytes written and their trailer; wipes {@code out}. */
  static byte[] finish(WipeableOutput out) {
    return Sha256Trailer.fill(out.toByteArrayAndWipe(Sha256Trailer.LENGTH));
  }

  /**
   * Checks the length, the trailer, the magic, the version and the profile of a serialized {@code
   * what} ("responder", "initiator"), in that order.
   *
   * @return the body after the header, the trailer left out
   * @throws X3dhException {@code CORRUPT_STATE}, or {@code UNSUPPORTED_VERSION} for another version
   *     or profile
   */
  static ByteBuffer open(byte[] blob, int minLength, String what, byte[] magic, X3dhProfile profile)
      throws X3dhException {
    if (blob.length < minLength) {
      throw corrupt(what, "it is too short");
    }
    if (!Sha256Trailer.matches(blob)) {
      throw corrupt(what, "its checksum does not match (altered or truncated)");
    }
    ByteBuffer in = ByteBuffer.wrap(blob, 0, blob.length - Sha256Trailer.LENGTH);
    byte[] found = new byte[magic.length];
    in.get(found);
    if (!Arrays.equals(found, magic)) {
      throw corrupt(what, "it does not start with " + new String(magic, StandardCharsets.US_ASCII));
    }
    int version = in.get() & 0xff;
    int id = in.get() & 0xff;
    if (version != VERSION || id != profile.blobId()) {
      throw new X3dhException(
          Reason.UNSUPPORTED_VERSION,
          "the "
              + what
              + " is of format version "
              + version
              + " and profile #"
              + id
              + "; this engine reads version 1 of profile "
              + profile.name());
    }
    return in;
  }

  /** The next raw 32-byte key. */
  static byte[] key(ByteBuffer in) {
    byte[] k = new byte[X3dhKdf.KEY];
    in.get(k);
    return k;
  }

  static X3dhException corrupt(String what, String why) {
    return new X3dhException(
        Reason.CORRUPT_STATE, "the serialized X3DH " + what + " is corrupt: " + why);
  }
}
