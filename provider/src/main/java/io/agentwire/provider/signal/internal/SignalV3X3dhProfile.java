package io.agentwire.provider.signal.internal;

import io.agentwire.provider.shared.internal.DecodingException;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.internal.X3dhProfile;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * The {@value X3dh#SIGNAL_V3_PROFILE} X3DH profile: libsignal's 64-byte secret with info
 * "WhisperText" (the root key and first chain key of {@link SignalV3RatchetProfile}), and its
 * version-3 {@code PreKeySignalMessage} as the initial message:
 *
 * <pre>
 * 0x33 | protobuf { 1: one-time prekey id (if any), 2: Encode(EK_A), 3: Encode(IK_A),
 *                   4: SignalMessage, 5: registration id (0), 6: signed prekey id }
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class SignalV3X3dhProfile extends X3dhProfile {

  @Override
  public String name() {
    return X3dh.SIGNAL_V3_PROFILE;
  }

  @Override
  public int secretLength() {
    return 64;
  }

  @Override
  public byte[] kdfInfo() {
    return "WhisperText".getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public int blobId() {
    return 2;
  }

  @Override
  public byte[] encodeInitialMessage(InitialMessageFields f) {
    // Version byte, then protobuf fields in number order, as libsignal writes them.
    Protobuf.Writer w = new Protobuf.Writer();
    if (f.oneTimePrekeyId().isPresent()) {
      w.uint32(1, Integer.toUnsignedLong(f.oneTimePrekeyId().getAsInt()));
    }
    byte[] body =
        w.bytes(2, Encodings.encodeKey(f.ephemeral()))
            .bytes(3, Encodings.encodeKey(f.identity()))
            .bytes(4, f.ratchetMessage())
            .uint32(5, 0)
            .uint32(6, Integer.toUnsignedLong(f.signedPrekeyId()))
            .toByteArray();
    byte[] out = new byte[1 + body.length];
    out[0] = (byte) SignalV3RatchetProfile.VERSION_BYTE;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  @Override
  public InitialMessageFields parseInitialMessage(byte[] m) throws X3dhException {
    if (m.length < 1 || (m[0] & 0xff) != SignalV3RatchetProfile.VERSION_BYTE) {
      throw new X3dhException(
          X3dhException.Reason.UNSUPPORTED_VERSION, "not a version-3 PreKeySignalMessage");
    }
    try {
      return parseFields(m);
    } catch (DecodingException e) {
      throw malformed(e.getMessage());
    }
  }

  private static InitialMessageFields parseFields(byte[] m) throws DecodingException {
    Protobuf.Reader r = new Protobuf.Reader(m, 1, m.length - 1);
    OptionalInt opkId = OptionalInt.empty();
    long spkId = -1;
    byte[] base = null;
    byte[] identity = null;
    byte[] message = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> opkId = OptionalInt.of((int) r.uint32());
        case 2 -> base = Encodings.decodeKey(r.bytes());
        case 3 -> identity = Encodings.decodeKey(r.bytes());
        case 4 -> message = r.bytes();
        case 6 -> spkId = r.uint32();
        default -> r.skip();
      }
    }
    if (spkId < 0 || base == null || identity == null || message == null) {
      throw Protobuf.malformed(
          "a PreKeySignalMessage needs a signed prekey id, a base key, an identity key and a"
              + " message");
    }
    return new InitialMessageFields(identity, base, (int) spkId, opkId, message);
  }
}
