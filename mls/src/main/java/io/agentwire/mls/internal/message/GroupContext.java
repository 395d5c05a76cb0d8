package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code GroupContext} of RFC 9420 §8.1. The epoch is a {@code uint64} held in a {@code long}.
 * Equality is that of the encodings.
 */
public record GroupContext(
    int version,
    int cipherSuite,
    byte[] groupId,
    long epoch,
    byte[] treeHash,
    byte[] confirmedTranscriptHash,
    List<Extension> extensions)
    implements TlsWriter.Encodable {

  public GroupContext {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(treeHash, "treeHash");
    Objects.requireNonNull(confirmedTranscriptHash, "confirmedTranscriptHash");
    extensions = Wire.copy(extensions);
  }

  public static GroupContext read(TlsReader r) throws MlsException {
    return new GroupContext(
        r.u16(), r.u16(), r.opaque(), r.u64(), r.opaque(), r.opaque(), Wire.readExtensions(r));
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(version).u16(cipherSuite).opaque(groupId).u64(epoch);
    w.opaque(treeHash).opaque(confirmedTranscriptHash);
    Wire.writeExtensions(w, extensions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupContext g && Arrays.equals(toBytes(), g.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "GroupContext[suite=" + cipherSuite + ", epoch=" + Long.toUnsignedString(epoch) + "]";
  }
}
