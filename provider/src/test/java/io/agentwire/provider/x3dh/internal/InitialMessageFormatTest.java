package io.agentwire.provider.x3dh.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.provider.signal.internal.SignalV3X3dhProfile;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.internal.X3dhProfile.InitialMessageFields;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both profiles' initial messages byte for byte (docs/RATCHET.md, section 5.2), from fixed fields,
 * so a change to either format fails here before it reaches a peer; and what each refuses.
 */
class InitialMessageFormatTest {

  private static final byte[] IDENTITY = filled(0x11);
  private static final byte[] EPHEMERAL = filled(0x22);
  private static final byte[] RATCHET_MESSAGE = {9, 9};
  private static final String KEYS_DEFAULT = "05" + "11".repeat(32) + "05" + "22".repeat(32);

  private static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  private static InitialMessageFields fields(OptionalInt oneTime) {
    return new InitialMessageFields(IDENTITY, EPHEMERAL, 0x01020304, oneTime, RATCHET_MESSAGE);
  }

  private static X3dhProfile profile(String name) {
    return name.equals("default") ? new DefaultX3dhProfile() : new SignalV3X3dhProfile();
  }

  private static String expected(String name, boolean oneTime) {
    if (name.equals("default")) {
      return "01" + KEYS_DEFAULT + "01020304" + (oneTime ? "01" + "00000007" : "00") + "0909";
    }
    return "33"
        + (oneTime ? "0807" : "")
        + "1221"
        + "05"
        + "22".repeat(32)
        + "1a21"
        + "05"
        + "11".repeat(32)
        + "22020909"
        + "2800"
        + "3084868808";
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "signal"})
  void encodesAndParsesTheDocumentedBytes(String name) throws Exception {
    X3dhProfile p = profile(name);
    for (OptionalInt oneTime : new OptionalInt[] {OptionalInt.of(7), OptionalInt.empty()}) {
      byte[] encoded = p.encodeInitialMessage(fields(oneTime));
      assertEquals(
          expected(name, oneTime.isPresent()), HexFormat.of().formatHex(encoded), name + oneTime);
      InitialMessageFields parsed = p.parseInitialMessage(encoded);
      assertArrayEquals(IDENTITY, parsed.identity());
      assertArrayEquals(EPHEMERAL, parsed.ephemeral());
      assertEquals(0x01020304, parsed.signedPrekeyId());
      assertEquals(oneTime, parsed.oneTimePrekeyId());
      assertArrayEquals(RATCHET_MESSAGE, parsed.ratchetMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "signal"})
  void refusesWhatIsNotOneOfItsInitialMessages(String name) {
    X3dhProfile p = profile(name);
    byte[] encoded = p.encodeInitialMessage(fields(OptionalInt.of(7)));
    byte[] version = encoded.clone();
    version[0] ^= 0x40;
    X3dhException.Reason versionReason =
        name.equals("default")
            ? X3dhException.Reason.MALFORMED
            : X3dhException.Reason.UNSUPPORTED_VERSION;
    assertEquals(
        versionReason,
        assertThrows(X3dhException.class, () -> p.parseInitialMessage(version)).reason());
    // Bit 255 of the identity key: a second encoding of the same key.
    byte[] bit255 = encoded.clone();
    // The identity key's last byte: after 0x01 and Encode(IK)'s type byte, or after 0x33, the
    // one-time prekey id (2), the base key field (2 + 33), the identity field's tag, length and
    // type byte (3).
    int identityEnd = name.equals("default") ? 33 : 1 + 2 + 35 + 3 + 31;
    bit255[identityEnd] ^= (byte) 0x80;
    assertEquals(
        X3dhException.Reason.MALFORMED,
        assertThrows(X3dhException.class, () -> p.parseInitialMessage(bit255)).reason());
    byte[] truncated = Arrays.copyOf(encoded, name.equals("default") ? 71 : 40);
    assertEquals(
        X3dhException.Reason.MALFORMED,
        assertThrows(X3dhException.class, () -> p.parseInitialMessage(truncated)).reason());
  }
}
