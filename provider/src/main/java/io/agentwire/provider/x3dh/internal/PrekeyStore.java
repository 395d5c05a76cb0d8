package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.x3dh.PrekeyBundle;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.X3dhException.Reason;
import io.agentwire.provider.x3dh.internal.X3dhProfile.InitialMessageFields;
import io.agentwire.provider.xec.XEdDsaSignatures;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The responder's {@link X3dh.Responder}: its identity key, its signed prekeys (the newest four,
 * newest first) and its one-time prekeys, and {@link #accept} of initial messages made from the
 * bundles it published. One-time prekey ids are issued in sequence and never again, so an id below
 * the next one that is gone was consumed. Thread-safe: every method that reads or changes the
 * prekeys holds this object's lock, so a one-time prekey is consumed at most once. {@link
 * ResponderBlobCodec} serializes it (under the same lock) and restores it.
 */
final class PrekeyStore implements X3dh.Responder {

  static final int MAX_ONE_TIME_PREKEYS = 10_000;
  static final int KEPT_SIGNED_PREKEYS = 4;

  private final X3dhProfile profile;
  private final DhFunction dh;
  final byte[] identityPrivate;
  final byte[] identityPublic;
  final Deque<Prekey> signedPrekeys = new ArrayDeque<>(); // newest first
  final Map<Integer, Prekey> oneTimePrekeys = new TreeMap<>();
  final Set<Integer> published = new HashSet<>();
  int nextSignedId = 1;
  int nextOneTimeId = 1;
  private boolean destroyed;

  /** A store without prekeys; it owns the arrays, and wipes the private key on destroy. */
  PrekeyStore(X3dhProfile profile, DhFunction dh, byte[] identityPrivate, byte[] identityPublic) {
    this.profile = profile;
    this.dh = dh;
    this.identityPrivate = identityPrivate;
    this.identityPublic = identityPublic;
  }

  X3dhProfile profile() {
    return profile;
  }

  @Override
  public PublicKey identityKey() {
    return X3dhKeys.publicKey(identityPublic);
  }

  @Override
  public synchronized PrekeyBundle bundle() throws GeneralSecurityException {
    checkLive();
    Prekey spk = signedPrekeys.peekFirst();
    Prekey opk = null;
    for (Prekey p : oneTimePrekeys.values()) {
      if (!published.contains(p.id())) {
        opk = p;
        break;
      }
    }
    if (opk != null) {
      published.add(opk.id());
    }
    return PrekeyBundle.of(
        identityKey(),
        spk.id(),
        X3dhKeys.publicKey(spk.publicKey()),
        spk.signature(),
        opk == null ? null : opk.id(),
        opk == null ? null : X3dhKeys.publicKey(opk.publicKey()));
  }

  @Override
  public synchronized int rotateSignedPrekey() throws GeneralSecurityException {
    checkLive();
    if (nextSignedId == -1) {
      throw new IllegalStateException("signed prekey ids are used up; make a new identity");
    }
    Prekey spk = newPrekey(nextSignedId++, true);
    signedPrekeys.addFirst(spk);
    while (signedPrekeys.size() > KEPT_SIGNED_PREKEYS) {
      signedPrekeys.removeLast().wipe();
    }
    return spk.id();
  }

  @Override
  public synchronized int[] addOneTimePrekeys(int count) {
    checkLive();
    if (count < 0 || count > MAX_ONE_TIME_PREKEYS - oneTimePrekeys.size()) {
      throw new IllegalArgumentException(
          "at most " + MAX_ONE_TIME_PREKEYS + " one-time prekeys may be held at once");
    }
    if (Integer.toUnsignedLong(nextOneTimeId) + count > 0xffffffffL) {
      throw new IllegalStateException(
          "one-time prekey ids are used up; make a new identity (ids are never reused)");
    }
    int[] ids = new int[count];
    for (int i = 0; i < count; i++) {
      Prekey p = newPrekey(nextOneTimeId++, false);
      oneTimePrekeys.put(p.id(), p);
      ids[i] = p.id();
    }
    return ids;
  }

  @Override
  public synchronized int unpublishedOneTimePrekeys() {
    checkLive();
    int n = 0;
    for (Integer id : oneTimePrekeys.keySet()) {
      if (!published.contains(id)) {
        n++;
      }
    }
    return n;
  }

  private Prekey newPrekey(int id, boolean signed) {
    byte[] priv = new byte[X3dhKdf.KEY];
    Backends.randomBytes(priv);
    byte[] pub = new byte[X3dhKdf.KEY];
    dh.publicKey(priv, pub);
    byte[] signature = null;
    if (signed) {
      signature = signWithIdentity(Encodings.encodeKey(pub));
    }
    return new Prekey(id, priv, pub, signature);
  }

  /** The identity key's XEdDSA signature, with the provider's randomness, over {@code message}. */
  private byte[] signWithIdentity(byte[] message) {
    PrivateKey identity = X3dhKeys.privateKey(identityPrivate);
    try {
      return XEdDsaSignatures.sign(identity, message, null);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("the identity key is a live X25519 key", e);
    } finally {
      X3dhKeys.destroy(identity);
    }
  }

  /** The prekey a restored store holds: its public key recomputed from the private one. */
  Prekey restoredPrekey(int id, byte[] privateKey, byte[] signature) {
    byte[] pub = new byte[X3dhKdf.KEY];
    dh.publicKey(privateKey, pub);
    return new Prekey(id, privateKey, pub, signature);
  }

  @Override
  public synchronized X3dh.Accepted accept(byte[] initialMessage, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    checkLive();
    Objects.requireNonNull(initialMessage, "initialMessage");
    Objects.requireNonNull(ratchet, "ratchet");
    if (ratchet.sharedSecretLength() != profile.secretLength()) {
      throw new IllegalArgumentException(
          "Double Ratchet profile " + ratchet.getProfile() + " does not fit this X3DH profile");
    }
    InitialMessageFields m = profile.parseInitialMessage(initialMessage);
    Prekey spk = signedPrekey(m.signedPrekeyId());
    Prekey opk =
        m.oneTimePrekeyId().isPresent() ? oneTimePrekey(m.oneTimePrekeyId().getAsInt()) : null;
    byte[] ikA = m.identity();
    byte[] ekA = m.ephemeral();
    byte[] sk =
        X3dhKdf.deriveSecret(
            profile,
            dh,
            spk.privateKey(),
            ikA,
            identityPrivate,
            ekA,
            spk.privateKey(),
            ekA,
            opk == null ? null : opk.privateKey(),
            ekA);
    byte[] ad = X3dhKdf.associatedData(ikA, identityPublic);
    RatchetSession session;
    PrivateKey spkPrivate = X3dhKeys.privateKey(spk.privateKey());
    try {
      session =
          ratchet.initResponder(
              sk, new KeyPair(X3dhKeys.publicKey(spk.publicKey()), spkPrivate), ad);
    } finally {
      Arrays.fill(sk, (byte) 0);
      X3dhKeys.destroy(spkPrivate);
    }
    byte[] plaintext;
    try {
      plaintext = session.decrypt(m.ratchetMessage());
    } catch (GeneralSecurityException | RuntimeException e) {
      session.destroy();
      throw e;
    }
    if (opk != null) {
      oneTimePrekeys.remove(opk.id());
      published.remove(opk.id());
      opk.wipe();
    }
    return new AcceptedSession(profile, session, plaintext, X3dhKeys.publicKey(ikA), ikA, ekA);
  }

  private Prekey signedPrekey(int id) throws X3dhException {
    Prekey spk = null;
    for (Prekey p : signedPrekeys) {
      if (p.id() == id) {
        spk = p;
      }
    }
    if (spk == null) {
      throw new X3dhException(
          Reason.UNKNOWN_PREKEY,
          "signed prekey " + Integer.toUnsignedString(id) + " is unknown (or was rotated out)");
    }
    return spk;
  }

  private Prekey oneTimePrekey(int id) throws X3dhException {
    Prekey opk = oneTimePrekeys.get(id);
    // Ids are handed out in sequence and never again, so a missing id below the next one was
    // consumed.
    if (opk == null && Integer.compareUnsigned(id, nextOneTimeId) < 0 && id != 0) {
      throw new X3dhException(
          Reason.PREKEY_REUSED,
          "one-time prekey " + Integer.toUnsignedString(id) + " was already used");
    }
    if (opk == null) {
      throw new X3dhException(
          Reason.UNKNOWN_PREKEY, "one-time prekey " + Integer.toUnsignedString(id) + " is unknown");
    }
    return opk;
  }

  @Override
  public synchronized byte[] serialize() {
    checkLive();
    return ResponderBlobCodec.encode(this);
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("the X3DH responder was destroyed");
    }
  }

  @Override
  public synchronized void destroy() {
    destroyed = true;
    Arrays.fill(identityPrivate, (byte) 0);
    signedPrekeys.forEach(Prekey::wipe);
    oneTimePrekeys.values().forEach(Prekey::wipe);
    signedPrekeys.clear();
    oneTimePrekeys.clear();
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "X3dh.Responder[" + profile.name() + "]";
  }
}
