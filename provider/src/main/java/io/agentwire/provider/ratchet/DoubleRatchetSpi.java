package io.agentwire.provider.ratchet;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * The Service Provider Interface behind {@link DoubleRatchet}, registered under the service type
 * {@value DoubleRatchet#SERVICE_TYPE}. Each method implements the {@link DoubleRatchet} method of
 * the same name without the {@code engine} prefix; that class documents the contract and checks
 * arguments before calling in.
 */
public abstract class DoubleRatchetSpi {

  protected abstract String engineGetProfile();

  protected abstract int engineGetSecretLength();

  protected abstract RatchetSession engineInitInitiator(
      byte[] sharedSecret,
      PublicKey responderRatchetKey,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys)
      throws GeneralSecurityException;

  protected abstract RatchetSession engineInitResponder(
      byte[] sharedSecret,
      KeyPair responderRatchetKeyPair,
      byte[] associatedData,
      int maxSkip,
      int maxStoredKeys)
      throws GeneralSecurityException;

  protected abstract RatchetSession engineRestore(byte[] serialized)
      throws GeneralSecurityException;
}
