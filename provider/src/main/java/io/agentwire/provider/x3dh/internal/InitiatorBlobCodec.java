package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.shared.internal.Sha256Trailer;
import io.agentwire.provider.shared.internal.WipeableOutput;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The serialized initiator, format version 1 (docs/RATCHET.md, section 5.5), in the {@link
 * X3dhBlob} frame:
 *
 * <pre>
 * "AWIN" | 0x01 | profile id | IK_A public (32) | EK_A public (32) | IK_B public (32)
 * | signed prekey id (4) | has one-time prekey (1) | one-time prekey id (4)
 * | session length (4) | serialized ratchet session | SHA-256 (32)
 * </pre>
 *
 * The X3DH part holds public keys only; the ratchet session inside holds every secret. Stateless.
 */
final class InitiatorBlobCodec {

  private static final byte[] MAGIC = {'A', 'W', 'I', 'N'};
  private static final String WHAT = "initiator";
  private static final int FIELDS = 3 * X3dhKdf.KEY + 4 + 5 + 4;

  private InitiatorBlobCodec() {}

  static byte[] encode(
      X3dhProfile profile,
      byte[] identity,
      byte[] ephemeral,
      byte[] responderIdentity,
      int signedPrekeyId,
      OptionalInt oneTimePrekeyId,
      byte[] sessionBlob) {
    WipeableOutput out =
        X3dhBlob.start(MAGIC.length + 2 + FIELDS + sessionBlob.length, MAGIC, profile);
    out.writeBytes(identity);
    out.writeBytes(ephemeral);
    out.writeBytes(responderIdentity);
    out.u32(Integer.toUnsignedLong(signedPrekeyId));
    out.write(oneTimePrekeyId.isPresent() ? 1 : 0);
    out.u32(Integer.toUnsignedLong(oneTimePrekeyId.orElse(0)));
    out.u32(sessionBlob.length);
    out.writeBytes(sessionBlob);
    return X3dhBlob.finish(out);
  }

  /**
   * Restores an initiator of {@code profile} whose session runs {@code ratchet}.
   *
   * @throws io.agentwire.provider.x3dh.X3dhException {@code CORRUPT_STATE} or {@code
   *     UNSUPPORTED_VERSION} for the X3DH blob
   * @throws io.agentwire.provider.ratchet.RatchetException as {@link DoubleRatchet#restore} throws
   *     for the session inside
   */
  static InitiatedSession decode(X3dhProfile profile, byte[] blob, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    ByteBuffer in =
        X3dhBlob.open(blob, MAGIC.length + 2 + FIELDS + Sha256Trailer.LENGTH, WHAT, MAGIC, profile);
    byte[] identity = X3dhBlob.key(in);
    byte[] ephemeral = X3dhBlob.key(in);
    byte[] responder = X3dhBlob.key(in);
    int spkId = in.getInt();
    int hasOpk = in.get();
    int opkId = in.getInt();
    long sessionLength = Integer.toUnsignedLong(in.getInt());
    if (hasOpk != 0 && hasOpk != 1 || sessionLength != in.remaining()) {
      throw X3dhBlob.corrupt(WHAT, "its fields are inconsistent");
    }
    byte[] sessionBlob = new byte[(int) sessionLength];
    in.get(sessionBlob);
    try {
      RatchetSession session = ratchet.restore(sessionBlob);
      return new InitiatedSession(
          profile,
          session,
          X3dhKeys.publicKey(responder),
          identity,
          ephemeral,
          spkId,
          hasOpk == 1 ? OptionalInt.of(opkId) : OptionalInt.empty());
    } finally {
      Arrays.fill(sessionBlob, (byte) 0);
    }
  }
}
