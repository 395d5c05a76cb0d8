package io.agentwire.provider.x3dh;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.Agents;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class X3dhTest {

  static final Provider PROVIDER = Agents.PROVIDER;

  static KeyPair x25519() throws GeneralSecurityException {
    return Agents.keyPair("X25519");
  }

  @ParameterizedTest
  @CsvSource({
    "X25519_SHA256, X25519_SHA256_ChaChaPoly",
    "X25519_SHA256, X25519_SHA256_ChaChaPoly_HE",
    "SignalV3, SignalV3"
  })
  void bothSidesAgreeAndTheConversationGoesOn(String x3dhProfile, String ratchetProfile)
      throws Exception {
    X3dh x3dh = X3dh.getInstance(x3dhProfile, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(ratchetProfile, PROVIDER);
    KeyPair aliceId = x25519();
    KeyPair bobId = x25519();
    X3dh.Responder bob = x3dh.newResponder(bobId);
    bob.addOneTimePrekeys(3);
    byte[] published = bob.bundle().encode();
    assertEquals(2, bob.unpublishedOneTimePrekeys());

    X3dh.Initiated alice =
        x3dh.initiate(aliceId, PrekeyBundle.decode(published), bobId.getPublic(), dr);
    byte[] first = alice.encrypt(text("hello while you were away"));
    byte[] second = alice.encrypt(text("and again"));
    X3dh.Accepted accepted = bob.accept(first, dr);
    assertArrayEquals(text("hello while you were away"), accepted.plaintext());
    assertEquals(aliceId.getPublic(), accepted.initiatorIdentity());
    RatchetSession bobSession = accepted.session();
    // Later messages still carry the X3DH header; the responder routes them to the session.
    assertArrayEquals(text("and again"), accepted.decryptInitialMessage(second));
    byte[] other = x3dh.initiate(aliceId, bob.bundle(), null, dr).encrypt(text("other session"));
    assertEquals(
        X3dhException.Reason.UNKNOWN_PREKEY,
        assertThrows(X3dhException.class, () -> accepted.decryptInitialMessage(other)).reason());
    assertArrayEquals(text("hi alice"), alice.decrypt(bobSession.encrypt(text("hi alice"))));
    byte[] plain = alice.encrypt(text("no header now"));
    assertArrayEquals(text("no header now"), bobSession.decrypt(plain));
  }

  @Test
  void aBundleWithABadSignatureIsRefused() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    X3dh.Responder bob = x3dh.newResponder(x25519());
    PrekeyBundle genuine = bob.bundle();
    for (int bit : new int[] {0, 100, 511}) {
      byte[] sig = genuine.signature();
      sig[bit / 8] ^= (byte) (1 << (bit % 8));
      PrekeyBundle forged =
          PrekeyBundle.of(
              genuine.identityKey(),
              genuine.signedPrekeyId(),
              genuine.signedPrekey(),
              sig,
              null,
              null);
      X3dhException e =
          assertThrows(X3dhException.class, () -> x3dh.initiate(x25519(), forged, null, dr));
      assertEquals(X3dhException.Reason.BAD_SIGNATURE, e.reason());
    }
    // A genuine signature over another prekey does not transfer.
    PrekeyBundle swapped =
        PrekeyBundle.of(
            genuine.identityKey(),
            genuine.signedPrekeyId(),
            x25519().getPublic(),
            genuine.signature(),
            null,
            null);
    X3dhException e =
        assertThrows(X3dhException.class, () -> x3dh.initiate(x25519(), swapped, null, dr));
    assertEquals(X3dhException.Reason.BAD_SIGNATURE, e.reason());
  }

  @Test
  void aOneTimePrekeyIsConsumedOnce() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    X3dh.Responder bob = x3dh.newResponder(x25519());
    bob.addOneTimePrekeys(1);
    PrekeyBundle bundle = bob.bundle();
    assertTrue(bundle.oneTimePrekeyId().isPresent());
    byte[] first = x3dh.initiate(x25519(), bundle, null, dr).encrypt(text("one"));
    byte[] reuse = x3dh.initiate(x25519(), bundle, null, dr).encrypt(text("two"));
    bob.accept(first, dr);
    X3dhException e = assertThrows(X3dhException.class, () -> bob.accept(reuse, dr));
    assertEquals(X3dhException.Reason.PREKEY_REUSED, e.reason());
    e = assertThrows(X3dhException.class, () -> bob.accept(first, dr));
    assertEquals(X3dhException.Reason.PREKEY_REUSED, e.reason());
    assertFalse(bob.bundle().oneTimePrekeyId().isPresent(), "no one-time prekeys left");
  }

  @Test
  void aWrongIdentityIsRefusedOnBothSides() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    KeyPair bobId = x25519();
    X3dh.Responder bob = x3dh.newResponder(bobId);
    bob.addOneTimePrekeys(1);
    PrekeyBundle bundle = bob.bundle();
    // The initiator expects someone else: a mallory bundle, or a pinned key that differs.
    X3dhException e =
        assertThrows(
            X3dhException.class, () -> x3dh.initiate(x25519(), bundle, x25519().getPublic(), dr));
    assertEquals(X3dhException.Reason.WRONG_IDENTITY, e.reason());

    // An initial message claiming another identity does not decrypt, and spends nothing.
    KeyPair aliceId = x25519();
    byte[] genuine = x3dh.initiate(aliceId, bundle, bobId.getPublic(), dr).encrypt(text("hi"));
    byte[] forged = genuine.clone();
    byte[] mallory = io.agentwire.provider.shared.internal.Encodings.encodeKey(rawOf(x25519()));
    System.arraycopy(mallory, 0, forged, 1, 33);
    assertThrows(AEADBadTagException.class, () -> bob.accept(forged, dr));
    assertArrayEquals(text("hi"), bob.accept(genuine, dr).plaintext());
  }

  @Test
  void signedPrekeysSurviveRotationAndUnknownOnesAreRefused() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    X3dh.Responder bob = x3dh.newResponder(x25519());
    PrekeyBundle old = bob.bundle();
    byte[] inFlight = x3dh.initiate(x25519(), old, null, dr).encrypt(text("in flight"));
    int newId = bob.rotateSignedPrekey();
    assertEquals(newId, bob.bundle().signedPrekeyId());
    assertArrayEquals(text("in flight"), bob.accept(inFlight, dr).plaintext());
    for (int i = 0; i < 4; i++) {
      bob.rotateSignedPrekey();
    }
    byte[] late = x3dh.initiate(x25519(), old, null, dr).encrypt(text("too late"));
    X3dhException e = assertThrows(X3dhException.class, () -> bob.accept(late, dr));
    assertEquals(X3dhException.Reason.UNKNOWN_PREKEY, e.reason());
  }

  @Test
  void bundlesRoundTripAndMalformedOnesAreRefused() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    X3dh.Responder bob = x3dh.newResponder(x25519());
    PrekeyBundle without = bob.bundle();
    bob.addOneTimePrekeys(1);
    PrekeyBundle with = bob.bundle();
    for (PrekeyBundle b : new PrekeyBundle[] {without, with}) {
      byte[] encoded = b.encode();
      assertEquals(b, PrekeyBundle.decode(encoded));
      for (int cut = 0; cut < encoded.length; cut++) {
        byte[] truncated = java.util.Arrays.copyOf(encoded, cut);
        assertEquals(
            X3dhException.Reason.MALFORMED,
            assertThrows(X3dhException.class, () -> PrekeyBundle.decode(truncated)).reason());
      }
      byte[] badVersion = encoded.clone();
      badVersion[0] = 2;
      assertThrows(X3dhException.class, () -> PrekeyBundle.decode(badVersion));
      byte[] badKeyType = encoded.clone();
      badKeyType[1] = 6;
      assertThrows(X3dhException.class, () -> PrekeyBundle.decode(badKeyType));
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            x3dh.initiate(
                x25519(),
                without,
                null,
                DoubleRatchet.getInstance(DoubleRatchet.SIGNAL_V3_PROFILE, PROVIDER)));
  }

  @Test
  void aRestartedResponderAcceptsWhatItsBundlesStartedAndStillRefusesReuse() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    KeyPair bobId = x25519();
    X3dh.Responder bob = x3dh.newResponder(bobId);
    bob.addOneTimePrekeys(3);
    PrekeyBundle b1 = bob.bundle();
    PrekeyBundle b2 = bob.bundle();
    byte[] m1 = x3dh.initiate(x25519(), b1, bobId.getPublic(), dr).encrypt(text("one"));
    byte[] m2 = x3dh.initiate(x25519(), b2, bobId.getPublic(), dr).encrypt(text("two"));
    bob.accept(m1, dr);
    byte[] saved = bob.serialize();
    bob.destroy();
    assertThrows(IllegalStateException.class, bob::bundle);

    X3dh.Responder restarted = x3dh.restoreResponder(saved);
    assertEquals(bobId.getPublic(), restarted.identityKey());
    assertEquals(1, restarted.unpublishedOneTimePrekeys());
    assertArrayEquals(text("two"), restarted.accept(m2, dr).plaintext());
    assertEquals(
        X3dhException.Reason.PREKEY_REUSED,
        assertThrows(X3dhException.class, () -> restarted.accept(m1, dr)).reason());
    assertEquals(b1.signedPrekeyId(), restarted.bundle().signedPrekeyId());

    for (int i = 0; i < saved.length; i += 7) {
      byte[] corrupt = saved.clone();
      corrupt[i] ^= 1;
      assertEquals(
          X3dhException.Reason.CORRUPT_STATE,
          assertThrows(X3dhException.class, () -> x3dh.restoreResponder(corrupt)).reason());
    }
    assertThrows(
        X3dhException.class,
        () -> X3dh.getInstance(X3dh.SIGNAL_V3_PROFILE, PROVIDER).restoreResponder(saved));
  }

  @Test
  void anInitialMessageHasOneEncodingAndPrekeyCountsAreBounded() throws Exception {
    X3dh x3dh = X3dh.getInstance(X3dh.DEFAULT_PROFILE, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(DoubleRatchet.DEFAULT_PROFILE, PROVIDER);
    X3dh.Responder bob = x3dh.newResponder(x25519());
    byte[] m = x3dh.initiate(x25519(), bob.bundle(), null, dr).encrypt(text("hi"));
    // X25519 ignores bit 255 of a public key; a second encoding of the same message is refused.
    for (int keyEnd : new int[] {33, 66}) {
      byte[] twin = m.clone();
      twin[keyEnd] ^= (byte) 0x80;
      assertEquals(
          X3dhException.Reason.MALFORMED,
          assertThrows(X3dhException.class, () -> bob.accept(twin, dr)).reason());
    }
    assertArrayEquals(text("hi"), bob.accept(m, dr).plaintext());
    assertThrows(IllegalArgumentException.class, () -> bob.addOneTimePrekeys(Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> bob.addOneTimePrekeys(10_001));
    assertEquals(10_000, bob.addOneTimePrekeys(10_000).length);
  }

  @ParameterizedTest
  @CsvSource({"X25519_SHA256, X25519_SHA256_ChaChaPoly", "SignalV3, SignalV3"})
  void aRestartedInitiatorStillWrapsItsMessagesUntilAnswered(String x3dhProfile, String drProfile)
      throws Exception {
    X3dh x3dh = X3dh.getInstance(x3dhProfile, PROVIDER);
    DoubleRatchet dr = DoubleRatchet.getInstance(drProfile, PROVIDER);
    KeyPair bobId = x25519();
    X3dh.Responder bob = x3dh.newResponder(bobId);
    bob.addOneTimePrekeys(1);
    X3dh.Initiated alice = x3dh.initiate(x25519(), bob.bundle(), bobId.getPublic(), dr);
    byte[] first = alice.encrypt(text("before the restart"));
    byte[] saved = alice.serialize();
    X3dh.Initiated restarted = x3dh.restoreInitiated(saved, dr);
    assertEquals(bobId.getPublic(), restarted.responderIdentity());
    byte[] second = restarted.encrypt(text("after the restart"));
    // The second message alone starts Bob's session: it still carries the X3DH header.
    X3dh.Accepted accepted = bob.accept(second, dr);
    assertArrayEquals(text("after the restart"), accepted.plaintext());
    assertArrayEquals(text("before the restart"), accepted.decryptInitialMessage(first));
    assertArrayEquals(text("ok"), restarted.decrypt(accepted.session().encrypt(text("ok"))));
    for (int i = 0; i < saved.length; i += 5) {
      byte[] corrupt = saved.clone();
      corrupt[i] ^= 1;
      assertThrows(X3dhException.class, () -> x3dh.restoreInitiated(corrupt, dr));
    }
  }

  static byte[] rawOf(KeyPair pair) {
    byte[] spki = pair.getPublic().getEncoded();
    return java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }
}
