package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;

/**
 * The transcript hashes of RFC 9420 §8.2:
 *
 * <pre>
 *   confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
 *   interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
 * </pre>
 *
 * where ConfirmedTranscriptHashInput is {@code wire_format || FramedContent || signature<V>} (the
 * commit's AuthenticatedContent without its confirmation tag) and InterimTranscriptHashInput is
 * {@code confirmation_tag<V>}. A new group starts with an empty interim hash; a joiner computes the
 * interim hash from the GroupInfo's confirmed hash and confirmation tag. Stateless and thread-safe.
 */
public final class TranscriptHashes {

  private TranscriptHashes() {}

  /**
   * confirmed_transcript_hash from the previous interim hash (empty for epoch 0) and the encoded
   * ConfirmedTranscriptHashInput.
   */
  public static byte[] confirmed(Suite suite, byte[] interimBefore, byte[] confirmedInput) {
    byte[] in = new byte[interimBefore.length + confirmedInput.length];
    System.arraycopy(interimBefore, 0, in, 0, interimBefore.length);
    System.arraycopy(confirmedInput, 0, in, interimBefore.length, confirmedInput.length);
    return suite.hash(in);
  }

  /**
   * The encoded ConfirmedTranscriptHashInput from its parts: the wire format, the encoded
   * FramedContent and the signature.
   */
  public static byte[] confirmedInput(int wireFormat, byte[] framedContent, byte[] signature) {
    return new TlsWriter(framedContent.length + signature.length + 8)
        .u16(wireFormat)
        .raw(framedContent)
        .opaque(signature)
        .toByteArray();
  }

  /** interim_transcript_hash from the confirmed hash and the commit's confirmation tag. */
  public static byte[] interim(Suite suite, byte[] confirmed, byte[] confirmationTag) {
    TlsWriter w = new TlsWriter(confirmed.length + confirmationTag.length + 4);
    w.raw(confirmed).opaque(confirmationTag);
    return suite.hash(w.toByteArray());
  }
}
