package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchetSpi;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.signal.internal.SignalV3RatchetProfile;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;

/** The provider's {@link DoubleRatchetSpi}: one instance per profile, stateless otherwise. */
public final class DoubleRatchetEngine extends DoubleRatchetSpi {

  private final RatchetProfile profile;

  DoubleRatchetEngine(RatchetProfile profile) {
    this.profile = profile;
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
  protected RatchetSession engineInitInitiator(
      byte[] sharedSecret,
      PublicKey responderRatchetKey,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys)
      throws GeneralSecurityException {
    checkAssociatedData(associatedData);
    byte[] peer = XecKeyCodec.rawPublicKey(responderRatchetKey, Primitive.X25519);
    return RatchetState.initiator(
        profile, sharedSecret, peer, associatedData, maxSkip, maxStoredKeys);
  }

  @Override
  protected RatchetSession engineInitResponder(
      byte[] sharedSecret,
      KeyPair responderRatchetKeyPair,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys)
      throws GeneralSecurityException {
    checkAssociatedData(associatedData);
    byte[] priv =
        XecKeyCodec.exportPrivateScalar(responderRatchetKeyPair.getPrivate(), Primitive.X25519);
    try {
      byte[] pub = XecKeyCodec.rawPublicKey(responderRatchetKeyPair.getPublic(), Primitive.X25519);
      byte[] derived = new byte[32];
      Backends.dh(Primitive.X25519).publicKey(priv, derived);
      if (!MessageDigest.isEqual(derived, pub)) {
        throw new InvalidKeyException("the ratchet key pair's public key is not its private key's");
      }
      return RatchetState.responder(
          profile, sharedSecret, priv, pub, associatedData, maxSkip, maxStoredKeys);
    } finally {
      Arrays.fill(priv, (byte) 0);
    }
  }

  @Override
  protected RatchetSession engineRestore(byte[] serialized) throws GeneralSecurityException {
    return RatchetState.restore(profile, serialized);
  }

  private void checkAssociatedData(byte[] associatedData) throws GeneralSecurityException {
    if (profile instanceof SignalV3RatchetProfile) {
      SignalV3RatchetProfile.checkAssociatedData(associatedData);
    }
  }

  /** The engine for a profile name, or null. */
  public static DoubleRatchetEngine forProfile(String name) {
    RatchetProfile p = RatchetProfile.byName(name);
    return p == null ? null : new DoubleRatchetEngine(p);
  }
}
