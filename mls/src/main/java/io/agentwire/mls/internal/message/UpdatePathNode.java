package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/**
 * {@code UpdatePathNode} of RFC 9420 §7.6: the new HPKE public key of one node on the filtered
 * direct path and the path secret encrypted to each node of its copath child's resolution.
 */
public record UpdatePathNode(byte[] encryptionKey, List<HpkeCiphertext> encryptedPathSecret)
    implements TlsWriter.Encodable {

  public UpdatePathNode {
    Objects.requireNonNull(encryptionKey, "encryptionKey");
    encryptedPathSecret = Wire.copy(encryptedPathSecret);
  }

  public static UpdatePathNode read(TlsReader r) throws MlsException {
    return new UpdatePathNode(r.opaque(), r.vector(HpkeCiphertext::read, Wire.MAX_RECIPIENTS));
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(encryptionKey);
    w.vector(encryptedPathSecret, (x, c) -> c.encode(x));
  }

  @Override
  public String toString() {
    return "UpdatePathNode[" + encryptedPathSecret.size() + " ciphertexts]";
  }
}
