package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.hpke.HpkeException;
import io.agentwire.provider.hpke.HpkeSuite;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AEAD key: ChaCha20-Poly1305 and AES-256-GCM through the provider's routed backend (native
 * where available), AES-128-GCM through the JDK, whose backend interface takes 32-byte keys only.
 * Not thread-safe.
 */
public final class HpkeAead {

  private final AeadCipher backend;
  private final byte[] aesKey;

  private HpkeAead(AeadCipher backend, byte[] aesKey) {
    this.backend = backend;
    this.aesKey = aesKey;
  }

  /** A cipher under {@code key} (Nk bytes), which the caller may wipe afterwards. */
  public static HpkeAead of(HpkeSuite.Aead aead, byte[] key) {
    try {
      switch (aead) {
        case CHACHA20_POLY1305:
        case AES_256_GCM:
          {
            AeadCipher c =
                CryptoBackends.routed()
                    .newAead(
                        aead == HpkeSuite.Aead.AES_256_GCM
                            ? Primitive.AES_256_GCM
                            : Primitive.CHACHA20_POLY1305);
            c.setKey(key);
            return new HpkeAead(c, null);
          }
        case AES_128_GCM:
          return new HpkeAead(null, key.clone());
        default:
          throw new IllegalArgumentException(aead.name() + " has no cipher");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the AEAD refused a key of the right length", e);
    }
  }

  public byte[] seal(byte[] nonce, byte[] aad, byte[] plaintext) throws HpkeException {
    try {
      if (backend != null) {
        byte[] out = new byte[plaintext.length + AeadCipher.TAG_LENGTH];
        backend.seal(nonce, aad, 0, aad.length, plaintext, 0, plaintext.length, out, 0);
        return out;
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      return c.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AEAD seal failed", e);
    }
  }

  public byte[] open(byte[] nonce, byte[] aad, byte[] ciphertext) throws HpkeException {
    if (ciphertext.length < AeadCipher.TAG_LENGTH) {
      throw new HpkeException(
          HpkeException.Reason.DECRYPT_FAILED, "the ciphertext is shorter than a tag");
    }
    try {
      if (backend != null) {
        byte[] out = new byte[ciphertext.length - AeadCipher.TAG_LENGTH];
        backend.open(nonce, aad, 0, aad.length, ciphertext, 0, ciphertext.length, out, 0);
        return out;
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      return c.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new HpkeException(
          HpkeException.Reason.DECRYPT_FAILED, "the ciphertext does not authenticate");
    } catch (GeneralSecurityException e) {
      throw new HpkeException(HpkeException.Reason.DECRYPT_FAILED, "AEAD open failed", e);
    }
  }

  public void destroy() {
    if (backend != null) {
      backend.destroy();
    }
    if (aesKey != null) {
      Arrays.fill(aesKey, (byte) 0);
    }
  }
}
