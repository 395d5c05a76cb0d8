package io.agentwire.mls;

import java.util.Arrays;
import java.util.Objects;

/**
 * A signature key pair held by the library, for one cipher suite's signature scheme (RFC 9420
 * §5.1). Make one with {@link Mls#generateSignatureKeyPair()} or rebuild a persisted one with
 * {@link Mls#signatureKeyPair(byte[])}. A caller that keeps its keys elsewhere uses an {@link
 * MlsSigner} instead.
 *
 * <p>Immutable and thread-safe. {@link #privateKey()} hands out a copy for the caller to persist;
 * {@link #destroy()} wipes the library's copy.
 */
public final class SignatureKeyPair {

  private final CipherSuite suite;
  private final byte[] publicKey;
  private final byte[] privateKey;

  SignatureKeyPair(CipherSuite suite, byte[] publicKey, byte[] privateKey) {
    this.suite = Objects.requireNonNull(suite, "suite");
    this.publicKey = publicKey.clone();
    this.privateKey = privateKey.clone();
  }

  /** The suite whose signature scheme this key belongs to. */
  public CipherSuite cipherSuite() {
    return suite;
  }

  /** The public key in wire encoding. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the raw private key (seed or scalar), for the caller to store securely. */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  byte[] privateKeyNoCopy() {
    return privateKey;
  }

  /** Overwrites the private key with zeros; the pair cannot sign afterwards. */
  public void destroy() {
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "SignatureKeyPair[" + suite + ", public key only]";
  }
}
