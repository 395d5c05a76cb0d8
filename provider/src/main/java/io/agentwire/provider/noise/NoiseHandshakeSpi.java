package io.agentwire.provider.noise;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Optional;

/**
 * The Service Provider Interface behind {@link NoiseHandshake}, registered by providers under the
 * service type {@value NoiseHandshake#SERVICE_TYPE}. Each method implements the {@link
 * NoiseHandshake} method of the same name without the {@code engine} prefix; that class documents
 * the contract and checks arguments for null before calling in.
 */
public abstract class NoiseHandshakeSpi {

  /** The protocol this instance runs. */
  protected abstract NoiseProtocol engineGetProtocol();

  protected abstract void engineInit(NoiseRole role);

  protected abstract NoiseRole engineGetRole();

  protected abstract void engineSetPrologue(byte[] prologue);

  protected abstract void engineSetLocalStaticKey(KeyPair keyPair) throws InvalidKeyException;

  protected abstract void engineSetLocalStaticKey(PrivateKey privateKey) throws InvalidKeyException;

  protected abstract void engineSetRemoteStaticKey(PublicKey publicKey) throws InvalidKeyException;

  protected abstract void engineSetPsk(int position, byte[] psk);

  protected abstract void engineSetEphemeralKeyForTesting(PrivateKey privateKey)
      throws InvalidKeyException;

  protected abstract int engineWriteMessage(
      byte[] payload, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException;

  protected abstract int engineReadMessage(
      byte[] message, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException;

  protected abstract int engineGetMessageLength(int payloadLength);

  protected abstract NoiseHandshake.Action engineGetAction();

  protected abstract byte[] engineGetHandshakeHash();

  protected abstract Optional<PublicKey> engineGetRemoteStaticKey();

  protected abstract NoiseTransport engineSplit() throws GeneralSecurityException;

  protected abstract NoiseHandshakeSpi engineFallback(NoiseProtocol fallbackProtocol)
      throws GeneralSecurityException;

  protected abstract void engineDestroy();

  protected abstract boolean engineIsDestroyed();
}
