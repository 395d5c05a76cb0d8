package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code KeyPackage} of RFC 9420 §10. The signature covers {@link #toBeSigned()} ({@code
 * KeyPackageTBS}, every field but the signature). The version and cipher suite are kept as read;
 * whether they are supported is the caller's check. Equality is that of the encodings.
 */
public record KeyPackage(
    int version,
    int cipherSuite,
    byte[] initKey,
    LeafNode leafNode,
    List<Extension> extensions,
    byte[] signature)
    implements TlsWriter.Encodable {

  public KeyPackage {
    Objects.requireNonNull(initKey, "initKey");
    Objects.requireNonNull(leafNode, "leafNode");
    Objects.requireNonNull(signature, "signature");
    extensions = Wire.copy(extensions);
  }

  public static KeyPackage read(TlsReader r) throws MlsException {
    return new KeyPackage(
        r.u16(), r.u16(), r.opaque(), LeafNode.read(r), Wire.readExtensions(r), r.opaque());
  }

  private void encodeContent(TlsWriter w) {
    w.u16(version).u16(cipherSuite).opaque(initKey);
    leafNode.encode(w);
    Wire.writeExtensions(w, extensions);
  }

  @Override
  public void encode(TlsWriter w) {
    encodeContent(w);
    w.opaque(signature);
  }

  /** The {@code KeyPackageTBS} the signature covers. */
  public byte[] toBeSigned() {
    TlsWriter w = new TlsWriter();
    encodeContent(w);
    return w.toByteArray();
  }

  /** This key package with {@code signature} in place of its signature. */
  public KeyPackage withSignature(byte[] signature) {
    return new KeyPackage(version, cipherSuite, initKey, leafNode, extensions, signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPackage k && Arrays.equals(toBytes(), k.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "KeyPackage[version=" + version + ", suite=" + cipherSuite + ", " + leafNode + "]";
  }
}
