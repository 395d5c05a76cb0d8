package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * The {@code ratchet_tree} extension of RFC 9420 §12.4.3.3: the extension data is the ratchet
 * tree's encoding, {@code optional<Node> ratchet_tree<V>} ({@link RatchetTreeCodec}); the list
 * holds null for each blank node.
 */
public record RatchetTreeExtension(List<Node> nodes) implements TlsWriter.Encodable {

  public RatchetTreeExtension {
    nodes = Wire.copyAllowingNulls(nodes);
  }

  public static RatchetTreeExtension read(TlsReader r) throws MlsException {
    return new RatchetTreeExtension(RatchetTreeCodec.read(r));
  }

  /** The typed data of {@code e}, which must be a ratchet_tree extension. */
  public static RatchetTreeExtension from(Extension e) throws MlsException {
    return Wire.decode(
        Extensions.data(e, Extension.RATCHET_TREE), RatchetTreeExtension::read, "ratchet_tree");
  }

  @Override
  public void encode(TlsWriter w) {
    RatchetTreeCodec.write(w, nodes);
  }

  public Extension toExtension() {
    return new Extension(Extension.RATCHET_TREE, toBytes());
  }
}
