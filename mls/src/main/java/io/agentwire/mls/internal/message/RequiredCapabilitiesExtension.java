package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * The {@code required_capabilities} extension of RFC 9420 §11.1: the extension, proposal and
 * credential types every member must support, each a {@code uint16} vector.
 */
public record RequiredCapabilitiesExtension(
    List<Integer> extensionTypes, List<Integer> proposalTypes, List<Integer> credentialTypes)
    implements TlsWriter.Encodable {

  public RequiredCapabilitiesExtension {
    extensionTypes = Wire.copy(extensionTypes);
    proposalTypes = Wire.copy(proposalTypes);
    credentialTypes = Wire.copy(credentialTypes);
  }

  public static RequiredCapabilitiesExtension read(TlsReader r) throws MlsException {
    return new RequiredCapabilitiesExtension(
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST));
  }

  /** The typed data of {@code e}, which must be a required_capabilities extension. */
  public static RequiredCapabilitiesExtension from(Extension e) throws MlsException {
    return Wire.decode(
        Extensions.data(e, Extension.REQUIRED_CAPABILITIES),
        RequiredCapabilitiesExtension::read,
        "required_capabilities");
  }

  @Override
  public void encode(TlsWriter w) {
    Wire.writeU16List(w, extensionTypes);
    Wire.writeU16List(w, proposalTypes);
    Wire.writeU16List(w, credentialTypes);
  }

  public Extension toExtension() {
    return new Extension(Extension.REQUIRED_CAPABILITIES, toBytes());
  }
}
