package io.agentwire.provider.x3dh;

import io.agentwire.provider.ratchet.DoubleRatchet;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * The Service Provider Interface behind {@link X3dh}, registered under the service type {@value
 * X3dh#SERVICE_TYPE}. Each method implements the {@link X3dh} method of the same name without the
 * {@code engine} prefix; that class documents the contract and checks arguments first.
 */
public abstract class X3dhSpi {

  protected abstract String engineGetProfile();

  protected abstract int engineGetSecretLength();

  protected abstract X3dh.Initiated engineInitiate(
      KeyPair identity, PrekeyBundle bundle, PublicKey expectedIdentity, DoubleRatchet ratchet)
      throws GeneralSecurityException;

  protected abstract X3dh.Responder engineNewResponder(KeyPair identity)
      throws GeneralSecurityException;

  protected abstract X3dh.Responder engineRestoreResponder(byte[] serialized)
      throws GeneralSecurityException;

  protected abstract X3dh.Initiated engineRestoreInitiated(byte[] serialized, DoubleRatchet ratchet)
      throws GeneralSecurityException;

  protected abstract X3dh.InitialMessage engineParseInitialMessage(byte[] message)
      throws X3dhException;
}
