package io.agentwire.provider.shared.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 trailer that ends every serialized ratchet and X3DH object: the digest of all the
 * bytes before it. It detects corruption, not tampering (the blobs hold secrets and must be stored
 * encrypted). Stateless.
 */
public final class Sha256Trailer {

  /** Length of the trailer. */
  public static final int LENGTH = 32;

  private Sha256Trailer() {}

  private static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * Writes the trailer into the last {@link #LENGTH} bytes of {@code blob}, over the bytes before
   * them (as {@link WipeableOutput#toByteArrayAndWipe} leaves room for).
   */
  public static byte[] fill(byte[] blob) {
    int body = blob.length - LENGTH;
    System.arraycopy(sha256(blob, body), 0, blob, body, LENGTH);
    return blob;
  }

  /**
   * Whether the last {@link #LENGTH} bytes of {@code blob} are the SHA-256 of the bytes before
   * them, compared in constant time. The caller checks first that the blob is long enough.
   */
  public static boolean matches(byte[] blob) {
    int body = blob.length - LENGTH;
    return MessageDigest.isEqual(sha256(blob, body), Arrays.copyOfRange(blob, body, blob.length));
  }
}
