package io.agentwire.provider.hpke;

import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * An HPKE key pair in the KEM's serialization (RFC 9180 §7.1.1 for public keys, §7.1.2 for private
 * keys). The accessors return copies; {@link #destroy()} wipes the private key. Not thread-safe
 * with respect to {@link #destroy()}.
 */
public final class HpkeKeyPair implements Destroyable {

  private final byte[] publicKey;
  private final byte[] privateKey;
  private boolean destroyed;

  public HpkeKeyPair(byte[] publicKey, byte[] privateKey) {
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey").clone();
  }

  /** SerializePublicKey(pk). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** SerializePrivateKey(sk). */
  public byte[] privateKey() {
    if (destroyed) {
      throw new IllegalStateException("key pair destroyed");
    }
    return privateKey.clone();
  }

  @Override
  public void destroy() {
    Arrays.fill(privateKey, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "HpkeKeyPair[public key only]";
  }
}
