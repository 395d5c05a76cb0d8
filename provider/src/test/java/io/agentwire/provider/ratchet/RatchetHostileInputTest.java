package io.agentwire.provider.ratchet;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.testsupport.XecKeys;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.KeyAgreement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * decrypt() facing an adversary who controls the bytes: whatever arrives, the answer is a
 * GeneralSecurityException with a meaningful reason (never an unchecked exception, never work
 * proportional to a forged counter), and the session is exactly as it was, so the genuine message
 * still decrypts afterwards. Header-encryption forgeries need the header key and live in the
 * internal package ({@code RatchetForgedHeaderTest}).
 */
class RatchetHostileInputTest {

  private static final List<String> PROFILES =
      List.of(
          DoubleRatchet.DEFAULT_PROFILE,
          DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
          DoubleRatchet.SIGNAL_V3_PROFILE);

  /** X25519 points of small order (and non-canonical encodings of them), little-endian u. */
  static final List<byte[]> SMALL_ORDER = XecKeys.X25519_SMALL_ORDER;

  /**
   * A session that has received (so it has a receiving chain) and the next genuine message to it.
   */
  record Target(RatchetSession bob, RatchetSession alice, byte[] genuine, byte[] plaintext) {}

  static Target target(String profile) throws Exception {
    RatchetPairs.Pair p = RatchetPairs.pair(profile);
    p.bob().decrypt(p.alice().encrypt(text("first")));
    byte[] plaintext = text("the genuine message");
    return new Target(p.bob(), p.alice(), p.alice().encrypt(plaintext), plaintext);
  }

  /**
   * Feeds {@code hostile} to the target, checks the refusal and that the session is unchanged and
   * still decrypts the genuine message; returns the refusal.
   */
  static GeneralSecurityException refuse(Target t, byte[] hostile) {
    byte[] before = t.bob().serialize();
    GeneralSecurityException e;
    try {
      t.bob().decrypt(hostile);
      throw new AssertionError("decrypted hostile bytes " + HexFormat.of().formatHex(hostile));
    } catch (GeneralSecurityException refused) {
      e = refused;
    } catch (RuntimeException wrong) {
      throw new AssertionError(
          "decrypt threw " + wrong + " for " + HexFormat.of().formatHex(hostile), wrong);
    }
    assertArrayEquals(before, t.bob().serialize(), "a refused message changed the session");
    return e;
  }

  static void assertReason(GeneralSecurityException e, Reason... allowed) {
    assertInstanceOf(RatchetException.class, e, e.toString());
    assertTrue(
        Set.of(allowed).contains(((RatchetException) e).reason()),
        e + " is not one of " + Arrays.toString(allowed));
  }

  static void assertGenuineStillDecrypts(Target t) throws Exception {
    assertArrayEquals(t.plaintext(), t.bob().decrypt(t.genuine()));
  }

  // ---- empty, random, truncated, extended, other profiles ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void emptyTruncatedAndExtendedMessagesAreRefused(String profile) throws Exception {
    Target t = target(profile);
    assertReason(refuse(t, new byte[0]), Reason.MALFORMED);
    for (int length = 1; length < t.genuine().length; length++) {
      refuse(t, Arrays.copyOf(t.genuine(), length));
    }
    refuse(t, Arrays.copyOf(t.genuine(), t.genuine().length + 1));
    byte[] doubled = Arrays.copyOf(t.genuine(), 2 * t.genuine().length);
    System.arraycopy(t.genuine(), 0, doubled, t.genuine().length, t.genuine().length);
    refuse(t, doubled);
    assertGenuineStillDecrypts(t);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void messagesOfAnotherProfileAreRefusedAsMalformedOrUnsupported(String profile) throws Exception {
    Target t = target(profile);
    for (String other : PROFILES) {
      if (!other.equals(profile)) {
        Target from = target(other);
        for (byte[] m :
            new byte[][] {
              from.genuine(), from.alice().encrypt(new byte[0]), from.alice().encrypt(new byte[200])
            }) {
          assertReason(refuse(t, m), Reason.MALFORMED, Reason.UNSUPPORTED_VERSION);
        }
      }
    }
    assertGenuineStillDecrypts(t);
  }

  @Provide
  Arbitrary<String> profiles() {
    return Arbitraries.of(PROFILES);
  }

  /** Random bytes, alone or behind each profile's version byte, are refused harmlessly. */
  @Property(tries = 150)
  void randomBytesAreRefused(
      @ForAll("profiles") String profile,
      @ForAll @Size(max = 300) byte[] random,
      @ForAll @IntRange(min = 0, max = 3) int prefix)
      throws Exception {
    Target t = target(profile);
    byte[] m = random;
    if (prefix > 0 && random.length > 0) {
      m = random.clone();
      m[0] = (byte) new int[] {0x01, 0x02, 0x33}[prefix - 1];
    }
    refuse(t, m);
    assertGenuineStillDecrypts(t);
  }

  // ---- forged counters and ratchet keys in plain headers ----

  /** The DEFAULT profile's plain header: 0x01 | DH (32) | PN (4) | N (4). */
  private static byte[] withPlainHeader(byte[] m, byte[] dh, long pn, long n) {
    byte[] out = m.clone();
    if (dh != null) {
      System.arraycopy(dh, 0, out, 1, 32);
    }
    for (int i = 0; i < 4; i++) {
      out[33 + i] = (byte) (pn >>> (24 - 8 * i));
      out[37 + i] = (byte) (n >>> (24 - 8 * i));
    }
    return out;
  }

  private static long plainN(byte[] m) {
    return new BigInteger(1, Arrays.copyOfRange(m, 37, 41)).longValue();
  }

  private static final long MAX_N = 0xffffffffL;

  /**
   * N = 2^32 - 1 in a forged header is refused as TOO_MANY_SKIPPED before any key is derived, on
   * the current chain and on a new one, and so is PN = 2^32 - 1; with MAX_SKIP at its largest too.
   */
  @Test
  void hugeCountersInAPlainHeaderAreTooManySkipped() throws Exception {
    for (DoubleRatchet dr :
        List.of(
            DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, RatchetPairs.PROVIDER),
            DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, RatchetPairs.PROVIDER)
                .setLimits(DoubleRatchet.LIMIT, DoubleRatchet.LIMIT))) {
      RatchetPairs.Pair p = RatchetPairs.pair(dr);
      p.bob().decrypt(p.alice().encrypt(text("first")));
      byte[] plaintext = text("current chain");
      Target t = new Target(p.bob(), p.alice(), p.alice().encrypt(plaintext), plaintext);
      assertEquals(1, plainN(t.genuine()));
      for (long n : new long[] {MAX_N, MAX_N - 1, 1L << 31, DoubleRatchet.LIMIT + 2L}) {
        assertReason(refuse(t, withPlainHeader(t.genuine(), null, 0, n)), Reason.TOO_MANY_SKIPPED);
      }
      // A new ratchet key: N alone, and PN against the current chain.
      byte[] newKey = newPublicKey();
      assertReason(
          refuse(t, withPlainHeader(t.genuine(), newKey, 0, MAX_N)), Reason.TOO_MANY_SKIPPED);
      assertReason(
          refuse(t, withPlainHeader(t.genuine(), newKey, MAX_N, 0)), Reason.TOO_MANY_SKIPPED);
      assertGenuineStillDecrypts(t);
    }
  }

  /**
   * A small-order ratchet key in a header is refused (INVALID_KEY from the DH, or not authentic),
   * never a crash, and the session is unchanged.
   */
  @Test
  void smallOrderRatchetKeysInAPlainHeaderAreRefused() throws Exception {
    Target t = target(DoubleRatchet.DEFAULT_PROFILE);
    for (byte[] point : SMALL_ORDER) {
      GeneralSecurityException e = refuse(t, withPlainHeader(t.genuine(), point, 0, 0));
      assertInvalidKeyOrBadTag(e);
    }
    assertGenuineStillDecrypts(t);
  }

  static void assertInvalidKeyOrBadTag(GeneralSecurityException e) {
    if (!(e instanceof AEADBadTagException)) {
      assertReason(e, Reason.INVALID_KEY);
    }
  }

  /** The test's small-order list is right: the JDK's own X25519 refuses every point. */
  @Test
  void theSmallOrderPointsAreSmallOrder() throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    for (byte[] point : SMALL_ORDER) {
      KeyAgreement ka = KeyAgreement.getInstance("X25519");
      ka.init(kp.getPrivate());
      assertThrows(
          InvalidKeyException.class,
          () -> {
            ka.doPhase(XecKeys.publicKey(point), true);
            ka.generateSecret();
          });
    }
  }

  /** Starting a session towards a small-order key fails as the javadoc promises, not later. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void initiatingTowardsASmallOrderKeyIsRefused(String profile) throws Exception {
    DoubleRatchet dr = DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER);
    for (byte[] point : SMALL_ORDER) {
      GeneralSecurityException e =
          assertThrows(
              GeneralSecurityException.class,
              () ->
                  dr.initInitiator(
                      new byte[dr.sharedSecretLength()],
                      XecKeys.publicKey(point),
                      RatchetPairs.associatedData(profile)));
      assertTrue(
          e instanceof InvalidKeyException
              || e instanceof RatchetException r && r.reason() == Reason.INVALID_KEY,
          e.toString());
    }
  }

  // ---- Signal v3: forged counters, keys and malformed protobuf ----

  /** A protobuf writer for hand-made SignalMessages: 0x33 | fields | 8-byte MAC. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Proto tag(int field, int wireType) {
      return varint(((long) field << 3) | wireType);
    }

    Proto uint(int field, long v) {
      return tag(field, 0).varint(v);
    }

    Proto bytes(int field, byte[] b) {
      tag(field, 2).varint(b.length);
      out.writeBytes(b);
      return this;
    }

    Proto raw(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    byte[] message(int version) {
      byte[] body = out.toByteArray();
      byte[] m = new byte[1 + body.length + 8];
      m[0] = (byte) version;
      System.arraycopy(body, 0, m, 1, body.length);
      return m;
    }

    byte[] message() {
      return message(0x33);
    }
  }

  /** The fields of a well-formed SignalMessage. */
  record SignalParts(byte[] key, long n, long pn, byte[] ciphertext) {
    static SignalParts of(byte[] m) {
      byte[] key = null;
      byte[] ciphertext = null;
      long n = 0;
      long pn = 0;
      int i = 1;
      while (i < m.length - 8) {
        int tag = m[i++];
        long v = 0;
        for (int shift = 0; ; shift += 7) {
          int b = m[i++] & 0xff;
          v |= (long) (b & 0x7f) << shift;
          if (b < 0x80) {
            break;
          }
        }
        switch (tag) {
          case 0x0a -> key = Arrays.copyOfRange(m, i, i += (int) v);
          case 0x10 -> n = v;
          case 0x18 -> pn = v;
          case 0x22 -> ciphertext = Arrays.copyOfRange(m, i, i += (int) v);
          default -> throw new IllegalArgumentException("unexpected tag " + tag);
        }
      }
      return new SignalParts(key, n, pn, ciphertext);
    }

    Proto proto() {
      return new Proto().bytes(1, key).uint(2, n).uint(3, pn).bytes(4, ciphertext);
    }
  }

  @Test
  void theSignalMessageReaderOfThisTestIsRight() throws Exception {
    Target t = target(DoubleRatchet.SIGNAL_V3_PROFILE);
    SignalParts s = SignalParts.of(t.genuine());
    byte[] again = s.proto().message();
    System.arraycopy(t.genuine(), t.genuine().length - 8, again, again.length - 8, 8);
    assertArrayEquals(t.genuine(), again);
    assertEquals(1, s.n());
  }

  @Test
  void hugeCountersAndSmallOrderKeysInASignalMessageAreRefused() throws Exception {
    Target t = target(DoubleRatchet.SIGNAL_V3_PROFILE);
    SignalParts s = SignalParts.of(t.genuine());
    byte[] newKey = encode(newPublicKey());
    for (Proto forged :
        List.of(
            new Proto().bytes(1, s.key()).uint(2, MAX_N).uint(3, 0).bytes(4, s.ciphertext()),
            new Proto().bytes(1, newKey).uint(2, MAX_N).uint(3, 0).bytes(4, s.ciphertext()),
            new Proto().bytes(1, newKey).uint(2, 0).uint(3, MAX_N).bytes(4, s.ciphertext()))) {
      assertReason(refuse(t, forged.message()), Reason.TOO_MANY_SKIPPED);
    }
    for (byte[] point : SMALL_ORDER) {
      Proto forged = new Proto().bytes(1, encode(point)).uint(2, 0).bytes(4, s.ciphertext());
      GeneralSecurityException e = refuse(t, forged.message());
      if ((point[31] & 0x80) != 0) {
        // A key with bit 255 set is not a canonical encoding: refused before any DH.
        assertReason(e, Reason.MALFORMED);
      } else {
        assertInvalidKeyOrBadTag(e);
      }
    }
    assertGenuineStillDecrypts(t);
  }

  /**
   * Malformed protobuf and framing: refused as MALFORMED (UNSUPPORTED_VERSION for another version
   * byte), before any key is derived, never with an unchecked exception.
   */
  @Test
  void malformedSignalMessagesAreRefusedAsMalformed() throws Exception {
    Target t = target(DoubleRatchet.SIGNAL_V3_PROFILE);
    SignalParts s = SignalParts.of(t.genuine());
    byte[] key = s.key();
    byte[] ct = s.ciphertext();
    List<Function<Proto, Proto>> malformed = new ArrayList<>();
    // Missing fields.
    malformed.add(p -> p);
    malformed.add(p -> p.uint(2, 1).uint(3, 0).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(3, 0).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).uint(3, 0));
    // Varints: longer than 10 bytes, truncated, wider than 32 bits, with bit 63 set.
    malformed.add(
        p ->
            p.bytes(1, key)
                .raw(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    malformed.add(p -> p.bytes(1, key).bytes(4, ct).raw(0x10, 0xff));
    malformed.add(p -> p.bytes(1, key).uint(2, 1L << 32).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, -1L).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).uint(3, 1L << 32).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).uint(3, -1L).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).uint(3, Long.MIN_VALUE).bytes(4, ct));
    // Lengths beyond the end, huge, or with bit 63 set.
    malformed.add(p -> p.bytes(1, key).uint(2, 1).tag(4, 2).varint(ct.length + 1).raw(1, 2, 3));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).tag(4, 2).varint(1L << 31).raw(1, 2, 3));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).tag(4, 2).varint(-1L).raw(1, 2, 3));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).tag(4, 2).varint(Long.MIN_VALUE).raw(1, 2));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).tag(9, 2).varint(-1L));
    // Wrong wire types for known fields, unsupported or truncated ones for unknown fields.
    malformed.add(p -> p.uint(1, 5).uint(2, 1).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).bytes(2, new byte[] {1}).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(3, new byte[] {0}).bytes(4, ct));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).uint(4, 7));
    for (int wireType : new int[] {3, 4, 6, 7}) {
      malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).tag(9, wireType));
    }
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).tag(9, 1).raw(1, 2, 3));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).tag(9, 5).raw(1));
    // Field number 0, and one beyond 2^29.
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).uint(0, 1));
    malformed.add(p -> p.bytes(1, key).uint(2, 1).bytes(4, ct).varint(1L << 35).raw(0));
    // Ratchet keys that are not 0x05 and 32 bytes.
    malformed.add(p -> p.bytes(1, Arrays.copyOf(key, 32)).uint(2, 1).bytes(4, ct));
    malformed.add(p -> p.bytes(1, Arrays.copyOf(key, 34)).uint(2, 1).bytes(4, ct));
    malformed.add(p -> p.bytes(1, new byte[0]).uint(2, 1).bytes(4, ct));
    byte[] wrongType = key.clone();
    wrongType[0] = 6;
    malformed.add(p -> p.bytes(1, wrongType).uint(2, 1).bytes(4, ct));

    for (int i = 0; i < malformed.size(); i++) {
      byte[] m = malformed.get(i).apply(new Proto()).message();
      GeneralSecurityException e = refuse(t, m);
      assertInstanceOf(RatchetException.class, e, "case " + i + ": " + e);
      assertEquals(Reason.MALFORMED, ((RatchetException) e).reason(), "case " + i + ": " + e);
    }
    for (int version : new int[] {0x03, 0x23, 0x43, 0xf3, 0x00}) {
      assertReason(refuse(t, s.proto().message(version)), Reason.UNSUPPORTED_VERSION);
    }
    assertReason(refuse(t, new byte[] {0x33, 0, 0, 0, 0, 0, 0, 0}), Reason.MALFORMED);
    assertGenuineStillDecrypts(t);
  }

  /** One protobuf field of any field number, wire type and content, truncated or not. */
  record Field(int number, int wireType, long value, byte[] payload) {}

  @Provide
  Arbitrary<List<Field>> fields() {
    Arbitrary<Long> values =
        Arbitraries.oneOf(
            Arbitraries.longs(),
            Arbitraries.longs().between(0, 300),
            Arbitraries.of(0xffffffffL, 1L << 32, -1L, Long.MIN_VALUE));
    return Combinators.combine(
            Arbitraries.integers().between(0, 6),
            Arbitraries.integers().between(0, 7),
            values,
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
        .as(Field::new)
        .list()
        .ofMaxSize(6);
  }

  /** Any sequence of fields behind the version byte is refused without an unchecked exception. */
  @Property(tries = 300)
  void arbitraryProtobufIsRefusedCleanly(
      @ForAll("fields") List<Field> fields, @ForAll boolean genuinePrefix) throws Exception {
    Target t = target(DoubleRatchet.SIGNAL_V3_PROFILE);
    SignalParts s = SignalParts.of(t.genuine());
    Proto p = genuinePrefix ? new Proto().bytes(1, s.key()).uint(2, s.n()) : new Proto();
    for (Field f : fields) {
      p.tag(f.number(), f.wireType());
      switch (f.wireType()) {
        case 0 -> p.varint(f.value());
        case 2 ->
            p.varint(f.value() < 0 || f.value() > 300 ? f.value() : f.payload().length)
                .raw(unsigned(f.payload()));
        default -> p.raw(unsigned(f.payload()));
      }
    }
    refuse(t, p.message());
    assertGenuineStillDecrypts(t);
  }

  // ---- helpers ----

  private static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }

  private static byte[] encode(byte[] raw) {
    byte[] out = new byte[33];
    out[0] = 5;
    System.arraycopy(raw, 0, out, 1, 32);
    return out;
  }

  private static byte[] newPublicKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    k[31] &= 0x7f;
    return k;
  }
}
