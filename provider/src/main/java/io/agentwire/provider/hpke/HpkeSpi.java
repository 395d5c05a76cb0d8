package io.agentwire.provider.hpke;

/**
 * The Service Provider Interface behind {@link Hpke}, registered under the service type {@value
 * Hpke#SERVICE_TYPE} with the suite's {@link HpkeSuite#name()} as the algorithm. Each method
 * implements the {@link Hpke} method of the same name without the {@code engine} prefix; that class
 * documents the contract and checks arguments first.
 */
public abstract class HpkeSpi {

  protected abstract HpkeSuite engineGetSuite();

  protected abstract Hpke.Sender engineSetupBaseS(byte[] recipientPublicKey, byte[] info)
      throws HpkeException;

  protected abstract Hpke.Recipient engineSetupBaseR(
      byte[] enc, byte[] recipientPrivateKey, byte[] info) throws HpkeException;

  protected abstract HpkeKeyPair engineGenerateKeyPair();

  protected abstract HpkeKeyPair engineDeriveKeyPair(byte[] ikm) throws HpkeException;

  protected abstract byte[] enginePublicKey(byte[] privateKey) throws HpkeException;

  protected abstract void engineValidatePublicKey(byte[] publicKey) throws HpkeException;
}
