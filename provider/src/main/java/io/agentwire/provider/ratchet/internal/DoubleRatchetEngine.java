package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchetSpi;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * The provider's {@link DoubleRatchetSpi}: one instance per profile, stateless otherwise, so
 * thread-safe. It knows the provider's other profiles only to name a session of another one that it
 * is asked to restore.
 */
public final class DoubleRatchetEngine extends DoubleRatchetSpi {

  private final RatchetProfile profile;
  private final RatchetProfiles profiles;

  DoubleRatchetEngine(RatchetProfile profile, RatchetProfiles profiles) {
    this.profile = profile;
    this.profiles = profiles;
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
    profile.checkAssociatedData(associatedData);
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
    profile.checkAssociatedData(associatedData);
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
    return RatchetState.restore(profiles, profile, serialized);
  }

  /** The engine for the profile of {@code profiles} named {@code name}, or null. */
  public static DoubleRatchetEngine forProfile(RatchetProfiles profiles, String name) {
    RatchetProfile p = profiles.byName(name);
    return p == null ? null : new DoubleRatchetEngine(p, profiles);
  }
}
