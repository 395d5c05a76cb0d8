package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.shared.internal.Hmac;
import io.agentwire.provider.x3dh.X3dhException;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * X3DH's key agreement (specification sections 2.2 and 3.3): SK = HKDF-SHA256(salt = 32 zero bytes,
 * ikm = 32 x 0xFF || DH1 || DH2 || DH3 [|| DH4], the profile's info), and AD = Encode(IK_A) ||
 * Encode(IK_B). Every DH runs on raw arrays through the backend, and every intermediate secret is
 * wiped before returning. Stateless.
 */
final class X3dhKdf {

  /** Length of a raw X25519 key. */
  static final int KEY = 32;

  private X3dhKdf() {}

  /**
   * The shared secret of {@code profile}'s length from DH1 to DH4, each DH a (private, public) pair
   * of raw keys, the fourth absent when {@code priv4} is null.
   *
   * @throws X3dhException {@code INVALID_KEY} if a public key is of small order
   */
  static byte[] deriveSecret(
      X3dhProfile profile,
      DhFunction dh,
      byte[] priv1,
      byte[] pub1,
      byte[] priv2,
      byte[] pub2,
      byte[] priv3,
      byte[] pub3,
      byte[] priv4,
      byte[] pub4)
      throws X3dhException {
    int n = priv4 == null ? 3 : 4;
    byte[] km = new byte[KEY * (n + 1)];
    Arrays.fill(km, 0, KEY, (byte) 0xff);
    byte[] shared = new byte[KEY];
    Hmac hmac = new Hmac(Primitive.SHA256);
    try {
      byte[][] pairs = {priv1, pub1, priv2, pub2, priv3, pub3, priv4, pub4};
      for (int i = 0; i < n; i++) {
        try {
          dh.agree(pairs[2 * i], pairs[2 * i + 1], shared);
        } catch (InvalidKeyException e) {
          throw new X3dhException(
              X3dhException.Reason.INVALID_KEY, "an X3DH public key is of small order", e);
        }
        System.arraycopy(shared, 0, km, KEY * (i + 1), KEY);
      }
      byte[] sk = new byte[profile.secretLength()];
      hmac.hkdf(null, km, 0, km.length, profile.kdfInfo(), sk);
      return sk;
    } finally {
      Arrays.fill(km, (byte) 0);
      Arrays.fill(shared, (byte) 0);
      hmac.destroy();
    }
  }

  /** AD = Encode(IK_A) || Encode(IK_B), from the raw identity keys. */
  static byte[] associatedData(byte[] initiatorIdentity, byte[] responderIdentity) {
    byte[] a = Encodings.encodeKey(initiatorIdentity);
    byte[] out = Arrays.copyOf(a, 2 * Encodings.ENCODED_KEY_LENGTH);
    System.arraycopy(
        Encodings.encodeKey(responderIdentity),
        0,
        out,
        Encodings.ENCODED_KEY_LENGTH,
        Encodings.ENCODED_KEY_LENGTH);
    return out;
  }
}
