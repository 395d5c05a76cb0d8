package io.agentwire.mls.group;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.group.Welcomes;
import io.agentwire.mls.internal.message.GroupInfo;
import io.agentwire.mls.internal.message.HpkeCiphertext;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PreSharedKeyId;
import io.agentwire.mls.internal.message.Welcome;
import io.agentwire.mls.internal.schedule.EpochSecrets;
import io.agentwire.mls.internal.schedule.KeySchedule;
import io.agentwire.mls.internal.schedule.PskSecret;
import io.agentwire.mls.schedule.ScheduleVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * welcome.json (RFC 9420 §12.4.3.1) for every suite, through {@link Welcomes}: open with the
 * vector's init key, verify the GroupInfo signature and confirmation tag; then round trips of our
 * own Welcomes (with and without path secret and PSKs) and the ways a Welcome must be refused.
 */
class WelcomeVectorTest {

  /** One welcome.json case, decoded. */
  record Case(
      Suite suite, KeyPackage keyPackage, byte[] initPriv, byte[] signerPub, Welcome welcome) {
    byte[] ref() {
      return Welcomes.keyPackageRef(suite, keyPackage);
    }
  }

  private static volatile List<Case> cases;

  static List<Case> cases() throws Exception {
    if (cases == null) {
      Set<Integer> unsupported = new HashSet<>();
      List<Case> out = new ArrayList<>();
      for (JsonNode c : ScheduleVectors.load("welcome.json")) {
        Suite suite = ScheduleVectors.suite(c.get("cipher_suite").asInt(), unsupported);
        if (suite == null) {
          continue;
        }
        out.add(
            new Case(
                suite,
                MlsMessage.decode(hex(c.get("key_package"))).keyPackage(),
                hex(c.get("init_priv")),
                hex(c.get("signer_pub")),
                MlsMessage.decode(hex(c.get("welcome"))).welcome()));
      }
      ScheduleVectors.report("welcome.json", unsupported, out.size());
      cases = out;
    }
    return cases;
  }

  private static final Welcomes.PskResolver NO_PSKS =
      psks -> {
        throw new AssertionError("no PSK expected");
      };

  /** The vector's checks: signature by signer_pub, confirmation tag from the joiner secret. */
  @Test
  void vectors() throws Exception {
    int ran = 0;
    for (Case c : cases()) {
      String name = "suite " + c.suite().suite().id();
      Welcomes.Opened o = Welcomes.open(c.suite(), c.welcome(), c.ref(), c.initPriv(), NO_PSKS);
      GroupInfo gi = o.groupInfo();
      assertTrue(
          c.suite().verifyWithLabel(c.signerPub(), "GroupInfoTBS", gi.toBeSigned(), gi.signature()),
          name + ": GroupInfo signature");
      assertFalse(
          c.suite()
              .verifyWithLabel(
                  c.signerPub(), "GroupInfoTBS", flip(gi.toBeSigned(), 0), gi.signature()),
          name + ": the signature check can fail");
      assertTrue(o.secrets().psks().isEmpty(), name);

      EpochSecrets epoch =
          KeySchedule.fromJoiner(
              c.suite(),
              o.secrets().joinerSecret(),
              KeySchedule.zero(c.suite()),
              gi.groupContext().toBytes());
      byte[] cth = gi.groupContext().confirmedTranscriptHash();
      assertTrue(epoch.verifyConfirmationTag(cth, gi.confirmationTag()), name + ": tag");
      assertFalse(epoch.verifyConfirmationTag(flip(cth, 0), gi.confirmationTag()), name);
      assertArrayEquals(epoch.welcomeSecret(), o.welcomeSecret(), name + ": welcome_secret");
      ran++;
    }
    assertEquals(7, ran, "all seven suites");
  }

  @Test
  void keyPackageRefIsTheRefHash() throws Exception {
    for (Case c : cases()) {
      byte[] ref = c.ref();
      assertEquals(c.suite().hashLength(), ref.length);
      assertNotNull(c.welcome().secretsFor(ref), "the vector's Welcome is keyed by our ref");
      assertArrayEquals(
          c.suite().refHash("MLS 1.0 KeyPackage Reference", c.keyPackage().toBytes()), ref);
    }
  }

  /** Our Welcome for the vector's KeyPackage, with a path secret and two external PSKs. */
  @Test
  void roundTripWithPathSecretAndPsks() throws Exception {
    for (Case c : cases()) {
      Suite s = c.suite();
      GroupInfo gi = Welcomes.open(s, c.welcome(), c.ref(), c.initPriv(), NO_PSKS).groupInfo();
      int nh = s.hashLength();
      byte[] joiner = filled(nh, 7);
      byte[] path = filled(nh, 9);
      List<PreSharedKeyId> ids =
          List.of(
              PreSharedKeyId.external(new byte[] {1, 2}, filled(nh, 3)),
              PreSharedKeyId.external(new byte[] {4}, filled(nh, 5)));
      byte[] pskSecret =
          PskSecret.compute(
              s,
              List.of(
                  new PskSecret.Input(ids.get(0).toBytes(), filled(32, 0x11)),
                  new PskSecret.Input(ids.get(1).toBytes(), filled(32, 0x22))));
      Welcome w =
          Welcomes.create(
              s, gi, joiner, ids, pskSecret, List.of(new Welcomes.Recipient(c.keyPackage(), path)));
      assertEquals(s.suite().id(), w.cipherSuite());
      assertEquals(1, w.secrets().size());
      // Through the wire encoding, as a receiver gets it.
      Welcome received = MlsMessage.decode(MlsMessage.of(w).toBytes()).welcome();

      List<List<PreSharedKeyId>> asked = new ArrayList<>();
      Welcomes.Opened o =
          Welcomes.open(
              s,
              received,
              c.ref(),
              c.initPriv(),
              psks -> {
                asked.add(psks);
                return pskSecret.clone();
              });
      assertEquals(List.of(ids), asked, "the resolver gets the PSK ids in order");
      assertArrayEquals(gi.toBytes(), o.groupInfo().toBytes());
      assertArrayEquals(joiner, o.secrets().joinerSecret());
      assertArrayEquals(path, o.secrets().pathSecret().pathSecret());
      assertArrayEquals(KeySchedule.welcomeSecret(s, joiner, pskSecret), o.welcomeSecret());

      // The psk_secret is part of the welcome key: a wrong one cannot open the GroupInfo.
      MlsException e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(s, received, c.ref(), c.initPriv(), psks -> filled(nh, 1)));
      assertEquals(Reason.DECRYPT_FAILED, e.reason());
      // A resolver's refusal (an unknown PSK) is passed on.
      e =
          assertThrows(
              MlsException.class,
              () ->
                  Welcomes.open(
                      s,
                      received,
                      c.ref(),
                      c.initPriv(),
                      psks -> {
                        throw new MlsException(Reason.INVALID, "unknown PSK");
                      }));
      assertEquals(Reason.INVALID, e.reason());
      e =
          assertThrows(
              MlsException.class, () -> Welcomes.open(s, received, c.ref(), c.initPriv(), null));
      assertEquals(Reason.INVALID, e.reason());
      assertArrayEquals(joiner, filled(nh, 7), "inputs are not modified");
      assertArrayEquals(path, filled(nh, 9));
    }
  }

  /** Two recipients, no path and no PSKs: each opens its own entry. */
  @Test
  void roundTripTwoRecipientsNoPath() throws Exception {
    for (Case c : cases()) {
      Suite s = c.suite();
      GroupInfo gi = Welcomes.open(s, c.welcome(), c.ref(), c.initPriv(), NO_PSKS).groupInfo();
      Suite.KeyPair other = s.generateHpkeKeyPair();
      KeyPackage second =
          new KeyPackage(
              c.keyPackage().version(),
              c.keyPackage().cipherSuite(),
              other.publicKey(),
              c.keyPackage().leafNode(),
              c.keyPackage().extensions(),
              c.keyPackage().signature());
      byte[] joiner = filled(s.hashLength(), 42);
      Welcome w =
          Welcomes.create(
              s,
              gi,
              joiner,
              List.of(),
              null,
              List.of(
                  new Welcomes.Recipient(c.keyPackage(), null),
                  new Welcomes.Recipient(second, null)));
      byte[] ref2 = Welcomes.keyPackageRef(s, second);
      assertFalse(Arrays.equals(c.ref(), ref2));
      for (byte[][] who : new byte[][][] {{c.ref(), c.initPriv()}, {ref2, other.privateKey()}}) {
        Welcomes.Opened o = Welcomes.open(s, w, who[0], who[1], NO_PSKS);
        assertArrayEquals(joiner, o.secrets().joinerSecret());
        assertNull(o.secrets().pathSecret());
        assertArrayEquals(gi.toBytes(), o.groupInfo().toBytes());
      }
      // Each entry is encrypted to its own init key.
      MlsException e =
          assertThrows(MlsException.class, () -> Welcomes.open(s, w, ref2, c.initPriv(), NO_PSKS));
      assertEquals(Reason.DECRYPT_FAILED, e.reason());
    }
  }

  @Test
  void wrongInitKeyIsDecryptFailed() throws Exception {
    for (Case c : cases()) {
      byte[] wrong = c.suite().generateHpkeKeyPair().privateKey();
      MlsException e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(c.suite(), c.welcome(), c.ref(), wrong, NO_PSKS));
      assertEquals(Reason.DECRYPT_FAILED, e.reason());
    }
  }

  @Test
  void missingRefIsInvalid() throws Exception {
    for (Case c : cases()) {
      byte[] ref = flip(c.ref(), 3);
      MlsException e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(c.suite(), c.welcome(), ref, c.initPriv(), NO_PSKS));
      assertEquals(Reason.INVALID, e.reason());
      Welcome empty = new Welcome(c.welcome().cipherSuite(), List.of(), new byte[0]);
      e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(c.suite(), empty, c.ref(), c.initPriv(), NO_PSKS));
      assertEquals(Reason.INVALID, e.reason());
    }
  }

  @Test
  void wrongSuiteIsInvalid() throws Exception {
    List<Case> all = cases();
    for (int i = 0; i < all.size(); i++) {
      Case c = all.get(i);
      Suite other = all.get((i + 1) % all.size()).suite();
      MlsException e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(other, c.welcome(), c.ref(), c.initPriv(), NO_PSKS));
      assertEquals(Reason.INVALID, e.reason());
      // The Welcome's own cipher_suite field is checked, not only implied by a failed decryption.
      Welcome relabelled =
          new Welcome(other.suite().id(), c.welcome().secrets(), c.welcome().encryptedGroupInfo());
      e =
          assertThrows(
              MlsException.class,
              () -> Welcomes.open(c.suite(), relabelled, c.ref(), c.initPriv(), NO_PSKS));
      assertEquals(Reason.INVALID, e.reason());
      // And a committer cannot address a KeyPackage of another suite.
      GroupInfo gi =
          Welcomes.open(c.suite(), c.welcome(), c.ref(), c.initPriv(), NO_PSKS).groupInfo();
      KeyPackage foreign = all.get((i + 1) % all.size()).keyPackage();
      e =
          assertThrows(
              MlsException.class,
              () ->
                  Welcomes.create(
                      c.suite(),
                      gi,
                      new byte[c.suite().hashLength()],
                      List.of(),
                      null,
                      List.of(new Welcomes.Recipient(foreign, null))));
      assertEquals(Reason.INVALID, e.reason());
    }
  }

  /** Flipping a byte of each encrypted field, in each suite. */
  @Test
  void flippedCiphertextsAreDecryptFailed() throws Exception {
    for (Case c : cases()) {
      Welcome w = c.welcome();
      HpkeCiphertext ct = w.secretsFor(c.ref()).encryptedGroupSecrets();
      List<Welcome> variants =
          List.of(
              withSecrets(w, c.ref(), new HpkeCiphertext(flip(ct.kemOutput(), 0), ct.ciphertext())),
              withSecrets(w, c.ref(), new HpkeCiphertext(ct.kemOutput(), flip(ct.ciphertext(), 5))),
              withSecrets(
                  w,
                  c.ref(),
                  new HpkeCiphertext(
                      ct.kemOutput(), flip(ct.ciphertext(), ct.ciphertext().length - 1))),
              new Welcome(w.cipherSuite(), w.secrets(), flip(w.encryptedGroupInfo(), 0)),
              new Welcome(
                  w.cipherSuite(),
                  w.secrets(),
                  flip(w.encryptedGroupInfo(), w.encryptedGroupInfo().length - 1)));
      for (Welcome v : variants) {
        MlsException e =
            assertThrows(
                MlsException.class,
                () -> Welcomes.open(c.suite(), v, c.ref(), c.initPriv(), NO_PSKS));
        assertEquals(Reason.DECRYPT_FAILED, e.reason(), "suite " + c.suite().suite().id());
      }
    }
  }

  /** A GroupInfo that decrypts but is cut short is MALFORMED, not a runtime exception. */
  @Test
  void truncatedGroupInfoIsMalformed() throws Exception {
    Case c = cases().get(0);
    Suite s = c.suite();
    GroupInfo gi = Welcomes.open(s, c.welcome(), c.ref(), c.initPriv(), NO_PSKS).groupInfo();
    byte[] joiner = filled(s.hashLength(), 1);
    byte[] ws = KeySchedule.welcomeSecret(s, joiner, KeySchedule.zero(s));
    byte[] encoded = gi.toBytes();
    byte[] bad =
        s.seal(
            KeySchedule.welcomeKey(s, ws),
            KeySchedule.welcomeNonce(s, ws),
            new byte[0],
            Arrays.copyOf(encoded, encoded.length - 1));
    // The GroupSecrets must be re-encrypted: the encrypted_group_info is their HPKE context.
    Welcome forged = reencrypt(s, c, c.welcome(), joiner, bad);
    MlsException e =
        assertThrows(
            MlsException.class, () -> Welcomes.open(s, forged, c.ref(), c.initPriv(), NO_PSKS));
    assertEquals(Reason.MALFORMED, e.reason());
  }

  private static Welcome reencrypt(Suite s, Case c, Welcome w, byte[] joiner, byte[] encGroupInfo)
      throws MlsException {
    byte[] gs =
        new io.agentwire.mls.internal.message.GroupSecrets(joiner, null, List.of()).toBytes();
    Suite.HpkeSealed sealed =
        s.encryptWithLabel(c.keyPackage().initKey(), "Welcome", encGroupInfo, gs);
    return new Welcome(
        w.cipherSuite(),
        List.of(
            new io.agentwire.mls.internal.message.EncryptedGroupSecrets(
                c.ref(), new HpkeCiphertext(sealed.kemOutput(), sealed.ciphertext()))),
        encGroupInfo);
  }

  /** A joiner secret of the wrong length inside a well-encrypted GroupSecrets is MALFORMED. */
  @Test
  void shortJoinerSecretIsMalformed() throws Exception {
    Case c = cases().get(0);
    Suite s = c.suite();
    Welcome forged = reencrypt(s, c, c.welcome(), new byte[5], c.welcome().encryptedGroupInfo());
    MlsException e =
        assertThrows(
            MlsException.class, () -> Welcomes.open(s, forged, c.ref(), c.initPriv(), NO_PSKS));
    assertEquals(Reason.MALFORMED, e.reason());
  }

  record Mutation(int caseIndex, int position, int bit) {}

  @Provide
  Arbitrary<Mutation> bitFlips() throws Exception {
    List<Case> all = cases();
    return Arbitraries.integers()
        .between(0, all.size() - 1)
        .flatMap(
            i ->
                Combinators.combine(
                        Arbitraries.integers()
                            .between(0, MlsMessage.of(all.get(i).welcome()).toBytes().length - 1),
                        Arbitraries.integers().between(0, 7))
                    .as((pos, bit) -> new Mutation(i, pos, bit)));
  }

  /**
   * Every byte of a Welcome is either parsed strictly or authenticated (the ref selects, the
   * encrypted GroupInfo is the HPKE context of every GroupSecrets): any single bit flip is refused
   * with an MlsException, never accepted and never another exception.
   */
  @Property(tries = 150)
  void everyBitFlipIsRefused(@ForAll("bitFlips") Mutation m) throws Exception {
    Case c = cases().get(m.caseIndex());
    byte[] bytes = MlsMessage.of(c.welcome()).toBytes();
    bytes[m.position()] ^= (byte) (1 << m.bit());
    try {
      Welcome w = MlsMessage.decode(bytes).welcome();
      Welcomes.open(c.suite(), w, c.ref(), c.initPriv(), NO_PSKS);
      fail("a flipped bit at " + m.position() + " was accepted");
    } catch (MlsException expected) {
      // refused
    }
  }

  private static Welcome withSecrets(Welcome w, byte[] ref, HpkeCiphertext ct) {
    List<io.agentwire.mls.internal.message.EncryptedGroupSecrets> out = new ArrayList<>();
    for (var e : w.secrets()) {
      out.add(
          Arrays.equals(e.newMember(), ref)
              ? new io.agentwire.mls.internal.message.EncryptedGroupSecrets(ref, ct)
              : e);
    }
    return new Welcome(w.cipherSuite(), out, w.encryptedGroupInfo());
  }

  private static byte[] flip(byte[] b, int i) {
    byte[] c = b.clone();
    c[i] ^= 1;
    return c;
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
