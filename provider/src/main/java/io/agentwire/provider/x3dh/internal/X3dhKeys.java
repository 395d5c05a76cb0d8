package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import javax.security.auth.DestroyFailedException;

/**
 * The X25519 keys X3DH hands out over the raw keys it holds, made by the public {@link
 * XecKeyCodec}. The arrays come from decoders and key generation that fix their length, so a wrong
 * length is a bug here and an {@link IllegalArgumentException} with the codec's message, as it
 * always was.
 */
final class X3dhKeys {

  private X3dhKeys() {}

  /** The X25519 public key over {@code raw} (copied). */
  static PublicKey publicKey(byte[] raw) {
    try {
      return XecKeyCodec.publicKey(Primitive.X25519, raw);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The X25519 private key over {@code scalar} (copied); the caller {@link #destroy}s it. */
  static PrivateKey privateKey(byte[] scalar) {
    try {
      return XecKeyCodec.privateKey(Primitive.X25519, scalar);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Wipes a key {@link #privateKey} made. */
  static void destroy(PrivateKey key) {
    try {
      key.destroy();
    } catch (DestroyFailedException e) {
      // The provider's private keys override destroy, which does not fail.
    }
  }
}
