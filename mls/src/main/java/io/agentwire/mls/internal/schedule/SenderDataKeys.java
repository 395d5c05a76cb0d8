package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.internal.crypto.Suite;
import java.util.Arrays;

/**
 * The key and nonce that protect a PrivateMessage's sender data (RFC 9420 §6.3.2):
 *
 * <pre>
 *   ciphertext_sample = ciphertext[0..KDF.Nh-1]   (the whole ciphertext if it is shorter)
 *   sender_data_key   = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, AEAD.Nk)
 *   sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class SenderDataKeys {

  private SenderDataKeys() {}

  /** The first Nh bytes of {@code ciphertext}, or all of it. */
  public static byte[] sample(Suite suite, byte[] ciphertext) {
    return Arrays.copyOf(ciphertext, Math.min(ciphertext.length, suite.hashLength()));
  }

  /** sender_data_key for a PrivateMessage whose content ciphertext is {@code ciphertext}. */
  public static byte[] key(Suite suite, byte[] senderDataSecret, byte[] ciphertext) {
    return suite.expandWithLabel(
        senderDataSecret, "key", sample(suite, ciphertext), suite.aeadKeyLength());
  }

  /** sender_data_nonce for a PrivateMessage whose content ciphertext is {@code ciphertext}. */
  public static byte[] nonce(Suite suite, byte[] senderDataSecret, byte[] ciphertext) {
    return suite.expandWithLabel(
        senderDataSecret, "nonce", sample(suite, ciphertext), suite.aeadNonceLength());
  }
}
