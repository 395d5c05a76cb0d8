package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code LeafNode} of RFC 9420 §7.2. {@link #lifetime()} is present exactly when the source is
 * {@link #KEY_PACKAGE}, {@link #parentHash()} exactly when it is {@link #COMMIT}; the other is
 * null. The signature covers {@link #toBeSigned(byte[], int)} ({@code LeafNodeTBS}); before
 * signing, use an empty signature and {@link #withSignature(byte[])}.
 *
 * <p>Equality is that of the encodings.
 */
public record LeafNode(
    byte[] encryptionKey,
    byte[] signatureKey,
    Credential credential,
    Capabilities capabilities,
    int leafNodeSource,
    Lifetime lifetime,
    byte[] parentHash,
    List<Extension> extensions,
    byte[] signature)
    implements TlsWriter.Encodable {

  public static final int KEY_PACKAGE = 1;
  public static final int UPDATE = 2;
  public static final int COMMIT = 3;

  public LeafNode {
    Objects.requireNonNull(encryptionKey, "encryptionKey");
    Objects.requireNonNull(signatureKey, "signatureKey");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(signature, "signature");
    extensions = Wire.copy(extensions);
    switch (leafNodeSource) {
      case KEY_PACKAGE:
        Objects.requireNonNull(lifetime, "a key_package leaf node has a lifetime");
        if (parentHash != null) {
          throw new IllegalArgumentException("only a commit leaf node has a parent hash");
        }
        break;
      case UPDATE:
        if (lifetime != null || parentHash != null) {
          throw new IllegalArgumentException("an update leaf node has no lifetime or parent hash");
        }
        break;
      case COMMIT:
        Objects.requireNonNull(parentHash, "a commit leaf node has a parent hash");
        if (lifetime != null) {
          throw new IllegalArgumentException("only a key_package leaf node has a lifetime");
        }
        break;
      default:
        throw new IllegalArgumentException("leaf node source " + leafNodeSource);
    }
  }

  public static LeafNode read(TlsReader r) throws MlsException {
    byte[] encryptionKey = r.opaque();
    byte[] signatureKey = r.opaque();
    Credential credential = Credential.read(r);
    Capabilities capabilities = Capabilities.read(r);
    int source = r.u8();
    Lifetime lifetime = null;
    byte[] parentHash = null;
    switch (source) {
      case KEY_PACKAGE:
        lifetime = Lifetime.read(r);
        break;
      case UPDATE:
        break;
      case COMMIT:
        parentHash = r.opaque();
        break;
      default:
        throw Wire.malformed("unknown leaf_node_source " + source);
    }
    List<Extension> extensions = Wire.readExtensions(r);
    byte[] signature = r.opaque();
    return new LeafNode(
        encryptionKey,
        signatureKey,
        credential,
        capabilities,
        source,
        lifetime,
        parentHash,
        extensions,
        signature);
  }

  private void encodeContent(TlsWriter w) {
    w.opaque(encryptionKey).opaque(signatureKey);
    credential.encode(w);
    capabilities.encode(w);
    w.u8(leafNodeSource);
    if (leafNodeSource == KEY_PACKAGE) {
      lifetime.encode(w);
    } else if (leafNodeSource == COMMIT) {
      w.opaque(parentHash);
    }
    Wire.writeExtensions(w, extensions);
  }

  @Override
  public void encode(TlsWriter w) {
    encodeContent(w);
    w.opaque(signature);
  }

  /**
   * The {@code LeafNodeTBS} this leaf node's signature covers: its fields without the signature,
   * then, for the update and commit sources, {@code group_id} and {@code leaf_index} ({@code
   * groupId} and {@code leafIndex} are ignored for the key_package source and may be null/any).
   */
  public byte[] toBeSigned(byte[] groupId, int leafIndex) {
    TlsWriter w = new TlsWriter();
    encodeContent(w);
    if (leafNodeSource != KEY_PACKAGE) {
      w.opaque(Objects.requireNonNull(groupId, "groupId"));
      w.u32(leafIndex & 0xffffffffL);
    }
    return w.toByteArray();
  }

  /** This leaf node with {@code signature} in place of its signature. */
  public LeafNode withSignature(byte[] signature) {
    return new LeafNode(
        encryptionKey,
        signatureKey,
        credential,
        capabilities,
        leafNodeSource,
        lifetime,
        parentHash,
        extensions,
        signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeafNode n && Arrays.equals(toBytes(), n.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "LeafNode[source=" + leafNodeSource + ", " + credential + "]";
  }
}
