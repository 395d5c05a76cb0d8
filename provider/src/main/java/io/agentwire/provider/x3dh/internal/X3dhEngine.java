package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.x3dh.PrekeyBundle;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.X3dhException.Reason;
import io.agentwire.provider.x3dh.X3dhSpi;
import io.agentwire.provider.x3dh.internal.X3dhProfile.InitialMessageFields;
import io.agentwire.provider.xec.XEdDsaSignatures;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * The provider's {@link X3dhSpi} (X3DH specification revision 1, sections 2-3) for one {@link
 * X3dhProfile}: the initiator's side ({@link #engineInitiate}) and the entry points to the
 * responder's {@link PrekeyStore} and to the serialized forms ({@link InitiatorBlobCodec}, {@link
 * ResponderBlobCodec}). The secret comes from {@link X3dhKdf}. Stateless apart from its profile, so
 * thread-safe.
 */
public final class X3dhEngine extends X3dhSpi {

  private final X3dhProfile profile;
  private final DhFunction dh = Backends.dh(Primitive.X25519);

  /** The engine of {@code profile}, which the provider's wiring picks. */
  public X3dhEngine(X3dhProfile profile) {
    this.profile = Objects.requireNonNull(profile, "profile");
  }

  @Override
  protected String engineGetProfile() {
    return profile.name();
  }

  @Override
  protected int engineGetSecretLength() {
    return profile.secretLength();
  }

  @Override
  protected X3dh.Initiated engineInitiate(
      KeyPair identity, PrekeyBundle bundle, PublicKey expectedIdentity, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    byte[] ikA = rawPrivateOf(identity);
    byte[] ek = new byte[X3dhKdf.KEY];
    try {
      byte[] ikAPublic = XecKeyCodec.rawPublicKey(identity.getPublic(), Primitive.X25519);
      byte[] ikB = XecKeyCodec.rawPublicKey(bundle.identityKey(), Primitive.X25519);
      if (expectedIdentity != null
          && !MessageDigest.isEqual(
              XecKeyCodec.rawPublicKey(expectedIdentity, Primitive.X25519), ikB)) {
        throw new X3dhException(
            Reason.WRONG_IDENTITY, "the bundle's identity key is not the expected one");
      }
      byte[] spkB = XecKeyCodec.rawPublicKey(bundle.signedPrekey(), Primitive.X25519);
      if (!XEdDsaSignatures.verify(ikB, Encodings.encodeKey(spkB), bundle.signature())) {
        throw new X3dhException(
            Reason.BAD_SIGNATURE,
            "the signed prekey's signature does not verify under the bundle's identity key");
      }
      PublicKey opk = bundle.oneTimePrekey();
      byte[] opkB = opk == null ? null : XecKeyCodec.rawPublicKey(opk, Primitive.X25519);
      Backends.randomBytes(ek);
      byte[] ekPublic = new byte[X3dhKdf.KEY];
      dh.publicKey(ek, ekPublic);
      byte[] sk =
          X3dhKdf.deriveSecret(
              profile, dh, ikA, spkB, ek, ikB, ek, spkB, opkB == null ? null : ek, opkB);
      byte[] ad = X3dhKdf.associatedData(ikAPublic, ikB);
      RatchetSession session;
      try {
        session = ratchet.initInitiator(sk, bundle.signedPrekey(), ad);
      } finally {
        Arrays.fill(sk, (byte) 0);
      }
      return new InitiatedSession(
          profile,
          session,
          bundle.identityKey(),
          ikAPublic,
          ekPublic,
          bundle.signedPrekeyId(),
          bundle.oneTimePrekeyId());
    } finally {
      Arrays.fill(ikA, (byte) 0);
      Arrays.fill(ek, (byte) 0);
    }
  }

  @Override
  protected X3dh.Responder engineNewResponder(KeyPair identity) throws GeneralSecurityException {
    byte[] priv = rawPrivateOf(identity);
    byte[] pub = XecKeyCodec.rawPublicKey(identity.getPublic(), Primitive.X25519);
    PrekeyStore store = new PrekeyStore(profile, dh, priv, pub);
    store.rotateSignedPrekey();
    return store;
  }

  @Override
  protected X3dh.Initiated engineRestoreInitiated(byte[] blob, DoubleRatchet ratchet)
      throws GeneralSecurityException {
    return InitiatorBlobCodec.decode(profile, blob, ratchet);
  }

  @Override
  protected X3dh.Responder engineRestoreResponder(byte[] blob) throws GeneralSecurityException {
    return ResponderBlobCodec.decode(profile, dh, blob);
  }

  @Override
  protected X3dh.InitialMessage engineParseInitialMessage(byte[] message) throws X3dhException {
    InitialMessageFields m = profile.parseInitialMessage(message);
    return new X3dh.InitialMessage(
        X3dhKeys.publicKey(m.identity()),
        X3dhKeys.publicKey(m.ephemeral()),
        m.signedPrekeyId(),
        m.oneTimePrekeyId(),
        m.ratchetMessage());
  }

  /** The raw private key of an identity key pair whose public key is its private key's. */
  private byte[] rawPrivateOf(KeyPair pair) throws GeneralSecurityException {
    byte[] priv = XecKeyCodec.exportPrivateScalar(pair.getPrivate(), Primitive.X25519);
    byte[] pub = XecKeyCodec.rawPublicKey(pair.getPublic(), Primitive.X25519);
    byte[] derived = new byte[X3dhKdf.KEY];
    dh.publicKey(priv, derived);
    if (!MessageDigest.isEqual(derived, pub)) {
      Arrays.fill(priv, (byte) 0);
      throw new InvalidKeyException("the identity key pair's public key is not its private key's");
    }
    return priv;
  }
}
