package io.agentwire.provider.backend;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;

/**
 * An AEAD with a 32-byte key, 12-byte nonce and 16-byte tag appended to the ciphertext. An instance
 * holds one key at a time; it is not thread-safe.
 *
 * <p>Input and output may be the same array, provided the output does not start after the input.
 */
public interface AeadCipher {

  /** Length of the authentication tag, 16. */
  int TAG_LENGTH = 16;

  /** Length of the nonce, 12. */
  int NONCE_LENGTH = 12;

  /** Installs a 32-byte key (copied). */
  void setKey(byte[] key) throws GeneralSecurityException;

  /**
   * Encrypts and authenticates; writes {@code length + 16} bytes at {@code out[outOffset]}.
   *
   * @return the number of bytes written
   */
  int seal(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException;

  /**
   * Verifies and decrypts {@code length} bytes (ciphertext and tag); writes {@code length - 16}
   * bytes. When the tag does not verify, no plaintext is released: a separate output region is left
   * alone or zeroed, and an input decrypted in place is left intact.
   *
   * @return the number of plaintext bytes written
   * @throws AEADBadTagException if the tag does not verify or the input is shorter than a tag
   */
  int open(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException;

  /** Overwrites the key held by this instance and by any library state beneath it. */
  void destroy();
}
