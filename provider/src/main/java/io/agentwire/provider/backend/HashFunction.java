package io.agentwire.provider.backend;

/** An incremental hash function. An instance is not thread-safe; {@link #doFinal} resets it. */
public interface HashFunction {

  /** Output length in bytes. */
  int hashLength();

  /** Internal block length in bytes, as HMAC needs it. */
  int blockLength();

  void update(byte[] in, int offset, int length);

  /** Writes {@link #hashLength()} bytes at {@code out[offset]} and resets. */
  void doFinal(byte[] out, int offset);

  void reset();

  /** An independent copy of this hash's current state (for {@code MessageDigest.clone()}). */
  HashFunction copy();
}
