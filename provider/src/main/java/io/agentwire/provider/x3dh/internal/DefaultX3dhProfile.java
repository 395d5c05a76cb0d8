package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.shared.internal.DecodingException;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The {@value X3dh#DEFAULT_PROFILE} profile: a 32-byte secret with info
 * "AgentWire_X3DH_25519_SHA256", and AgentWire's initial message (docs/RATCHET.md, section 5.2):
 *
 * <pre>
 * 0x01 | Encode(IK_A) (33) | Encode(EK_A) (33) | signed prekey id (4)
 *      | 0x00 | ratchet message
 *      | 0x01 | one-time prekey id (4) | ratchet message
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class DefaultX3dhProfile extends X3dhProfile {

  private static final int VERSION = 1;
  private static final int HEADER = 1 + 33 + 33 + 4 + 1;

  @Override
  public String name() {
    return X3dh.DEFAULT_PROFILE;
  }

  @Override
  public int secretLength() {
    return 32;
  }

  @Override
  public byte[] kdfInfo() {
    return "AgentWire_X3DH_25519_SHA256".getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public int blobId() {
    return 1;
  }

  @Override
  public byte[] encodeInitialMessage(InitialMessageFields f) {
    OptionalInt oneTimePrekeyId = f.oneTimePrekeyId();
    byte[] ratchetMessage = f.ratchetMessage();
    int header = HEADER + (oneTimePrekeyId.isPresent() ? 4 : 0);
    byte[] out = new byte[header + ratchetMessage.length];
    out[0] = VERSION;
    System.arraycopy(Encodings.encodeKey(f.identity()), 0, out, 1, 33);
    System.arraycopy(Encodings.encodeKey(f.ephemeral()), 0, out, 34, 33);
    Encodings.putUint32(out, 67, Integer.toUnsignedLong(f.signedPrekeyId()));
    out[71] = (byte) (oneTimePrekeyId.isPresent() ? 1 : 0);
    if (oneTimePrekeyId.isPresent()) {
      Encodings.putUint32(out, 72, Integer.toUnsignedLong(oneTimePrekeyId.getAsInt()));
    }
    System.arraycopy(ratchetMessage, 0, out, header, ratchetMessage.length);
    return out;
  }

  @Override
  public InitialMessageFields parseInitialMessage(byte[] m) throws X3dhException {
    if (m.length < HEADER || m[0] != VERSION) {
      throw malformed("not an initial message of profile " + X3dh.DEFAULT_PROFILE);
    }
    byte[] identity;
    byte[] ephemeral;
    try {
      identity = Encodings.decodeKey(m, 1);
      ephemeral = Encodings.decodeKey(m, 34);
    } catch (DecodingException e) {
      throw malformed(e.getMessage());
    }
    int spkId = (int) Encodings.getUint32(m, 67);
    int flag = m[71];
    OptionalInt opkId;
    int header;
    if (flag == 0) {
      opkId = OptionalInt.empty();
      header = HEADER;
    } else if (flag == 1 && m.length >= HEADER + 4) {
      opkId = OptionalInt.of((int) Encodings.getUint32(m, 72));
      header = HEADER + 4;
    } else {
      throw malformed("the one-time prekey flag of an initial message is invalid");
    }
    return new InitialMessageFields(
        identity, ephemeral, spkId, opkId, Arrays.copyOfRange(m, header, m.length));
  }
}
