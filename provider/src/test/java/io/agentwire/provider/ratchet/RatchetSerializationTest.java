package io.agentwire.provider.ratchet;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.ratchet.RatchetException.Reason;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serialized session (format version 1): a restored session is the same session, and a blob
 * that is not exactly what {@code serialize()} wrote is refused with a {@link RatchetException},
 * never anything else. The format, as far as these tests need it: "AWDR", version (offset 4),
 * profile id (offset 5), flags (offsets 6-7), ..., and a SHA-256 of everything before it in the
 * last 32 bytes.
 */
class RatchetSerializationTest {

  private static final int VERSION_OFFSET = 4;
  private static final int PROFILE_OFFSET = 5;
  private static final int FLAGS_OFFSET = 6;
  private static final int CHECKSUM = 32;
  private static final List<String> PROFILES =
      List.of(
          DoubleRatchet.DEFAULT_PROFILE,
          DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
          DoubleRatchet.SIGNAL_V3_PROFILE);

  private static DoubleRatchet engine(String profile) throws GeneralSecurityException {
    return DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER);
  }

  /**
   * Both parties mid-conversation, each with skipped keys stored on two chains, and a message in
   * flight to each that needs a DH ratchet step.
   */
  record Fixture(
      byte[] alice, byte[] bob, byte[] freshAlice, byte[] freshBob, byte[] toAlice, byte[] toBob) {

    /** Mid-conversation and fresh states: different sets of optional keys. */
    List<byte[]> blobs() {
      return List.of(alice, bob, freshAlice, freshBob);
    }
  }

  private static final Map<String, Fixture> FIXTURES = new ConcurrentHashMap<>();

  private static Fixture fixture(String profile) {
    return FIXTURES.computeIfAbsent(
        profile,
        k -> {
          try {
            return makeFixture(k);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  private static Fixture makeFixture(String profile) throws Exception {
    RatchetPairs.Pair p = RatchetPairs.pair(profile);
    RatchetSession alice = p.alice();
    RatchetSession bob = p.bob();
    byte[] freshAlice = alice.serialize();
    byte[] freshBob = bob.serialize();
    for (int round = 0; round < 2; round++) {
      alice.encrypt(text("skipped by Bob"));
      bob.decrypt(alice.encrypt(text("a")));
      bob.encrypt(text("skipped by Alice"));
      alice.decrypt(bob.encrypt(text("b")));
    }
    byte[] toBob = alice.encrypt(text("to Bob"));
    bob.encrypt(text("lost"));
    byte[] toAlice = bob.encrypt(text("to Alice"));
    return new Fixture(alice.serialize(), bob.serialize(), freshAlice, freshBob, toAlice, toBob);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void restoredSessionsCarryOnInBothDirectionsAndReadLateMessages(String profile) throws Exception {
    RatchetPairs.Pair p = RatchetPairs.pair(profile);
    byte[] lateToBob = p.alice().encrypt(text("late to Bob"));
    assertArrayEquals(text("a1"), p.bob().decrypt(p.alice().encrypt(text("a1"))));
    byte[] lateToAlice = p.bob().encrypt(text("late to Alice"));
    assertArrayEquals(text("b1"), p.alice().decrypt(p.bob().encrypt(text("b1"))));
    byte[] inFlight = p.alice().encrypt(text("in flight"));

    byte[] aliceBlob = p.alice().serialize();
    byte[] bobBlob = p.bob().serialize();
    p.alice().destroy();
    p.bob().destroy();
    RatchetSession alice = engine(profile).restore(aliceBlob);
    RatchetSession bob = engine(profile).restore(bobBlob);
    assertEquals(profile, alice.profile());
    assertTrue(alice.hasReceived());
    assertTrue(bob.hasReceived());
    // The blob is the state: serializing a restored session gives the same bytes.
    assertArrayEquals(aliceBlob, alice.serialize());
    assertArrayEquals(bobBlob, bob.serialize());

    assertArrayEquals(text("in flight"), bob.decrypt(inFlight));
    assertArrayEquals(text("late to Bob"), bob.decrypt(lateToBob));
    assertArrayEquals(text("late to Alice"), alice.decrypt(lateToAlice));
    for (int round = 0; round < 3; round++) {
      assertArrayEquals(text("b" + round), alice.decrypt(bob.encrypt(text("b" + round))));
      assertArrayEquals(text("a" + round), bob.decrypt(alice.encrypt(text("a" + round))));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void aRestoredSessionKeepsTheLimitsItWasMadeWith(String profile) throws Exception {
    DoubleRatchet tight = engine(profile).setLimits(2, 2);
    RatchetPairs.Pair p = RatchetPairs.pair(tight);
    p.bob().decrypt(p.alice().encrypt(text("first")));
    byte[][] chain = new byte[4][];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = p.alice().encrypt(text("m" + i));
    }
    // Restored by an engine with the default (large) limits, the session keeps MAX_SKIP = 2.
    RatchetSession bob = engine(profile).restore(p.bob().serialize());
    RatchetException e = assertThrows(RatchetException.class, () -> bob.decrypt(chain[3]));
    assertEquals(Reason.TOO_MANY_SKIPPED, e.reason());
    assertArrayEquals(text("m2"), bob.decrypt(chain[2]));
    // ... and the other way round: a default session restored by a tight engine skips 3.
    RatchetPairs.Pair q = RatchetPairs.pair(profile);
    q.bob().decrypt(q.alice().encrypt(text("first")));
    for (int i = 0; i < 3; i++) {
      q.alice().encrypt(text("skipped"));
    }
    byte[] fourth = q.alice().encrypt(text("fourth"));
    assertArrayEquals(text("fourth"), tight.restore(q.bob().serialize()).decrypt(fourth));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void everySingleByteChangeTruncationOrExtensionIsRefusedAsCorrupt(String profile)
      throws Exception {
    Fixture f = fixture(profile);
    DoubleRatchet dr = engine(profile);
    for (byte[] blob : f.blobs()) {
      for (int i = 0; i < blob.length; i++) {
        for (int delta : new int[] {0x01, 0x80, 0xff}) {
          byte[] changed = blob.clone();
          changed[i] ^= (byte) delta;
          assertRefused(dr, changed, Reason.CORRUPT_STATE, "byte " + i + " ^ " + delta);
        }
      }
      for (int length = 0; length < blob.length; length++) {
        assertRefused(
            dr, Arrays.copyOf(blob, length), Reason.CORRUPT_STATE, "truncated to " + length);
      }
      assertRefused(dr, Arrays.copyOf(blob, blob.length + 1), Reason.CORRUPT_STATE, "extended");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void anotherVersionOrProfileIsUnsupportedEvenWithAValidChecksum(String profile) throws Exception {
    Fixture f = fixture(profile);
    DoubleRatchet dr = engine(profile);
    for (int version : new int[] {0, 2, 0x7f, 0xff}) {
      byte[] b = f.bob().clone();
      b[VERSION_OFFSET] = (byte) version;
      assertRefused(dr, rechecksum(b), Reason.UNSUPPORTED_VERSION, "version " + version);
    }
    int own = f.bob()[PROFILE_OFFSET] & 0xff;
    for (int id = 0; id < 256; id++) {
      if (id != own) {
        byte[] b = f.bob().clone();
        b[PROFILE_OFFSET] = (byte) id;
        assertRefused(dr, rechecksum(b), Reason.UNSUPPORTED_VERSION, "profile id " + id);
      }
    }
    byte[] magic = f.bob().clone();
    magic[0] = 'X';
    assertRefused(dr, rechecksum(magic), Reason.CORRUPT_STATE, "magic");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void anotherProfilesEngineRefusesTheBlob(String profile) throws Exception {
    Fixture f = fixture(profile);
    for (String other : PROFILES) {
      if (!other.equals(profile)) {
        for (byte[] blob : f.blobs()) {
          assertRefused(engine(other), blob, Reason.UNSUPPORTED_VERSION, other);
        }
      }
    }
  }

  /**
   * Every flags word (with a valid checksum, and the optional keys that follow moved into place as
   * the flags say) is either refused as corrupt or gives a session that only ever fails in the
   * documented ways.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void everyFlagsWordIsRefusedOrHarmless(String profile) throws Exception {
    Fixture f = fixture(profile);
    DoubleRatchet dr = engine(profile);
    for (byte[] blob : f.blobs()) {
      int original = ((blob[FLAGS_OFFSET] & 0xff) << 8) | (blob[FLAGS_OFFSET + 1] & 0xff);
      // Bits 0-8 are defined (bits 2-8 say which optional keys follow); the rest must be zero.
      for (int flags = 0; flags < 1 << 10; flags++) {
        if (Integer.bitCount(flags & 0x1fc) != Integer.bitCount(original & 0x1fc)) {
          continue; // a different number of optional keys: refused as truncated or trailing
        }
        byte[] b = blob.clone();
        b[FLAGS_OFFSET] = (byte) (flags >>> 8);
        b[FLAGS_OFFSET + 1] = (byte) flags;
        restoreAndUse(dr, rechecksum(b), f, "flags " + Integer.toBinaryString(flags));
      }
    }
  }

  @Provide
  Arbitrary<String> profiles() {
    return Arbitraries.of(PROFILES);
  }

  /** Random bytes: refused as corrupt (the checksum cannot match). */
  @Property(tries = 200)
  void randomBytesAreRefusedAsCorrupt(
      @ForAll("profiles") String profile, @ForAll @Size(max = 600) byte[] blob) throws Exception {
    assertRefused(engine(profile), blob, Reason.CORRUPT_STATE, "random bytes");
  }

  /**
   * Random bytes behind a valid header and with a valid checksum reach the parser: it refuses them
   * with a RatchetException (or, in the unlikely case they parse, gives a usable session).
   */
  @Property(tries = 200)
  void randomBodiesWithAValidChecksumAreRefusedCleanly(
      @ForAll("profiles") String profile, @ForAll @Size(max = 700) byte[] body) throws Exception {
    Fixture f = fixture(profile);
    byte[] b = Arrays.copyOf(f.bob(), 6 + body.length + CHECKSUM);
    System.arraycopy(body, 0, b, 6, body.length);
    restoreAndUse(engine(profile), rechecksum(b), f, "random body");
  }

  record Edit(int position, byte value) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    return Combinators.combine(
            Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.bytes())
        .as(Edit::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  /**
   * A genuine blob with a few bytes changed, maybe truncated, and the checksum recomputed (what a
   * buggy store or a careless migration might write): refused with a RatchetException, or restored
   * into a session that fails only with GeneralSecurityException or IllegalStateException.
   */
  @Property(tries = 400)
  void mutatedBlobsWithAValidChecksumAreRefusedOrHarmless(
      @ForAll("profiles") String profile,
      @ForAll @IntRange(min = 0, max = 3) int which,
      @ForAll("edits") List<Edit> edits,
      @ForAll @IntRange(min = 0, max = 40) int cut)
      throws Exception {
    Fixture f = fixture(profile);
    byte[] blob = f.blobs().get(which);
    byte[] body = Arrays.copyOf(blob, blob.length - CHECKSUM - (cut < 30 ? 0 : cut - 29));
    for (Edit e : edits) {
      body[e.position() % body.length] = e.value();
    }
    restoreAndUse(engine(profile), rechecksum(Arrays.copyOf(body, body.length + CHECKSUM)), f, "");
  }

  // ---- helpers ----

  private static void assertRefused(DoubleRatchet dr, byte[] blob, Reason reason, String what) {
    RatchetException e = assertThrows(RatchetException.class, () -> dr.restore(blob), what);
    assertEquals(reason, e.reason(), what + ": " + e.getMessage());
  }

  /** Replaces the trailer with the SHA-256 of everything before it. */
  static byte[] rechecksum(byte[] blob) throws Exception {
    byte[] out = blob.clone();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(out, 0, out.length - CHECKSUM);
    System.arraycopy(md.digest(), 0, out, out.length - CHECKSUM, CHECKSUM);
    return out;
  }

  /**
   * Restores {@code blob}; a refusal must be a RatchetException, and a session that comes out must
   * fail only in documented ways when used (encrypt, decrypt of a genuine message, serialize).
   */
  private static void restoreAndUse(DoubleRatchet dr, byte[] blob, Fixture f, String what)
      throws Exception {
    RatchetSession s;
    try {
      s = dr.restore(blob);
    } catch (RatchetException refused) {
      return;
    } catch (GeneralSecurityException | RuntimeException wrong) {
      throw new AssertionError(what + ": restore threw " + wrong, wrong);
    }
    try {
      s.serialize();
      try {
        s.encrypt(text("x"));
      } catch (GeneralSecurityException | IllegalStateException expected) {
        // a responder that has not received, or a counter at its end
      }
      for (byte[] m : new byte[][] {f.toBob(), f.toAlice()}) {
        try {
          s.decrypt(m);
        } catch (GeneralSecurityException expected) {
          // not for this session, or not authentic under the altered keys
        }
      }
      s.serialize();
      s.destroy();
    } catch (RuntimeException wrong) {
      throw new AssertionError(what + ": the restored session threw " + wrong, wrong);
    }
  }
}
