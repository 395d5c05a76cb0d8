package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code ParentNode} of RFC 9420 §7.1: an HPKE public key, the parent hash, and the unmerged leaves
 * ({@code uint32 unmerged_leaves<V>}, leaf indices as unsigned ints). Equality is that of the
 * encodings.
 */
public record ParentNode(byte[] encryptionKey, byte[] parentHash, List<Integer> unmergedLeaves)
    implements TlsWriter.Encodable {

  public ParentNode {
    Objects.requireNonNull(encryptionKey, "encryptionKey");
    Objects.requireNonNull(parentHash, "parentHash");
    unmergedLeaves = Wire.copy(unmergedLeaves);
  }

  public static ParentNode read(TlsReader r) throws MlsException {
    return new ParentNode(r.opaque(), r.opaque(), Wire.readU32List(r, Wire.MAX_TREE_NODES));
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(encryptionKey).opaque(parentHash);
    Wire.writeU32List(w, unmergedLeaves);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParentNode n && Arrays.equals(toBytes(), n.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "ParentNode[unmergedLeaves=" + unmergedLeaves + "]";
  }
}
