package io.agentwire.mls;

import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * An MLS extension (RFC 9420 §13): a registered type and its TLS-encoded data, as it appears in a
 * GroupContext, GroupInfo, KeyPackage or LeafNode. The factories build the RFC's group context
 * extensions; {@code ratchet_tree} and {@code external_pub} are managed by the library.
 *
 * <p>Immutable value; the array is the caller's copy.
 *
 * @param type the registered extension type (§17.3)
 * @param data its encoded {@code extension_data}
 */
public record MlsExtension(int type, byte[] data) {

  /** {@code application_id} (§5.3.3), in LeafNodes. */
  public static final int APPLICATION_ID = 1;

  /** {@code ratchet_tree} (§12.4.3.3), in GroupInfo. */
  public static final int RATCHET_TREE = 2;

  /** {@code required_capabilities} (§11.1), in GroupContext. */
  public static final int REQUIRED_CAPABILITIES = 3;

  /** {@code external_pub} (§12.4.3.2), in GroupInfo. */
  public static final int EXTERNAL_PUB = 4;

  /** {@code external_senders} (§12.1.8.1), in GroupContext. */
  public static final int EXTERNAL_SENDERS = 5;

  public MlsExtension {
    data = data.clone();
  }

  /** {@code application_id}: opaque application-defined bytes identifying the member (§5.3.3). */
  public static MlsExtension applicationId(byte[] id) {
    return new MlsExtension(APPLICATION_ID, new TlsWriter().opaque(id).toByteArray());
  }

  /**
   * {@code required_capabilities} (§11.1): every member must support these extension, proposal and
   * credential types.
   */
  public static MlsExtension requiredCapabilities(
      List<Integer> extensionTypes, List<Integer> proposalTypes, List<Integer> credentialTypes) {
    TlsWriter w = new TlsWriter();
    w.vector(extensionTypes, TlsWriter::u16);
    w.vector(proposalTypes, TlsWriter::u16);
    w.vector(credentialTypes, TlsWriter::u16);
    return new MlsExtension(REQUIRED_CAPABILITIES, w.toByteArray());
  }

  /**
   * {@code external_senders} (§12.1.8.1): the parties outside the group allowed to send proposals,
   * each a signature key and credential; a proposal names its sender by index in this list.
   */
  public static MlsExtension externalSenders(List<ExternalSender> senders) {
    TlsWriter w = new TlsWriter();
    w.vector(
        senders,
        (tw, s) -> {
          tw.opaque(s.signatureKey());
          Credential c = s.credential();
          tw.u16(c.type());
          if (c.type() == Credential.X509) {
            tw.vector(c.certificates(), TlsWriter::opaque);
          } else {
            tw.opaque(c.identity());
          }
        });
    return new MlsExtension(EXTERNAL_SENDERS, w.toByteArray());
  }

  /**
   * One entry of {@code external_senders}.
   *
   * @param signatureKey the sender's signature public key
   * @param credential its credential
   */
  public record ExternalSender(byte[] signatureKey, Credential credential) {}
}
