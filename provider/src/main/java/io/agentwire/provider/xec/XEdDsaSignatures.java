package io.agentwire.provider.xec;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.xec.internal.XEdDsa;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Objects;

/**
 * XEdDSA signatures (Signal's "The XEdDSA and VXEdDSA Signature Schemes", section 3) made and
 * checked with X25519 keys, in one call each, for code that speaks a wire format with raw keys and
 * signatures, as X3DH does with its signed prekeys. It is the provider's {@code Signature "XEdDSA"}
 * without the JCA's object lifecycle, and the same implementation.
 *
 * <p>Signatures are {@code R || s}, {@value #SIGNATURE_LENGTH} bytes. {@link #sign} makes XEdDSA
 * proper (bit 255 clear); {@link #verify} also accepts the encoding of curve25519-java and
 * libsignal, which keeps the sign of the signer's Edwards point in bit 255, and refuses {@code s}
 * &ge; q and public keys that are not a canonical field element (&ge; 2<sup>255</sup> - 19).
 *
 * <p>The private key's scalar is read with {@link XecKeyCodec#exportPrivateScalar}, and that copy
 * and every temporary secret are wiped before {@code sign} returns. Stateless, so safe to use from
 * any number of threads.
 */
public final class XEdDsaSignatures {

  /** Bytes of a raw X25519 public key. */
  public static final int PUBLIC_KEY_LENGTH = XEdDsa.KEY_LENGTH;

  /** Bytes of a signature. */
  public static final int SIGNATURE_LENGTH = XEdDsa.SIGNATURE_LENGTH;

  private XEdDsaSignatures() {}

  /**
   * Signs {@code message} with an X25519 private key of any provider (as {@link
   * XecKeyCodec#exportPrivateScalar} reads it). Each signature takes 64 fresh random bytes.
   *
   * @param random where the signature's randomness comes from; null for the provider's random
   *     source
   * @return the {@value #SIGNATURE_LENGTH}-byte signature
   * @throws InvalidKeyException if {@code key} is not an X25519 private key that exposes its scalar
   * @throws IllegalStateException if {@code key} is an AgentWire key that was destroyed
   */
  public static byte[] sign(PrivateKey key, byte[] message, SecureRandom random)
      throws InvalidKeyException {
    Objects.requireNonNull(message, "message");
    byte[] scalar = XecKeyCodec.exportPrivateScalar(key, Primitive.X25519);
    try {
      return XEdDsa.sign(scalar, message, random);
    } finally {
      Arrays.fill(scalar, (byte) 0);
    }
  }

  /**
   * Whether {@code signature} is a valid XEdDSA signature of {@code message} under a raw X25519
   * public key (either encoding above).
   *
   * @param x25519PublicKey the {@value #PUBLIC_KEY_LENGTH}-byte RFC 7748 encoding of the key
   * @throws InvalidKeyException if {@code x25519PublicKey} is null or not {@value
   *     #PUBLIC_KEY_LENGTH} bytes
   * @throws SignatureException if {@code signature} is null or not {@value #SIGNATURE_LENGTH} bytes
   */
  public static boolean verify(byte[] x25519PublicKey, byte[] message, byte[] signature)
      throws InvalidKeyException, SignatureException {
    Objects.requireNonNull(message, "message");
    if (x25519PublicKey == null || x25519PublicKey.length != PUBLIC_KEY_LENGTH) {
      throw new InvalidKeyException(
          "an X25519 public key is "
              + PUBLIC_KEY_LENGTH
              + " bytes, got "
              + (x25519PublicKey == null ? "null" : x25519PublicKey.length));
    }
    XEdDsa.requireSignatureLength(signature);
    return XEdDsa.verify(x25519PublicKey, message, signature);
  }
}
