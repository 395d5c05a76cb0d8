package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * {@code Capabilities} of RFC 9420 §7.2: the protocol versions, cipher suites, extension types,
 * proposal types and credential types a member supports, each a {@code uint16} vector. Unknown
 * values (including GREASE) are kept as they are.
 */
public record Capabilities(
    List<Integer> versions,
    List<Integer> cipherSuites,
    List<Integer> extensions,
    List<Integer> proposals,
    List<Integer> credentials)
    implements TlsWriter.Encodable {

  public Capabilities {
    versions = Wire.copy(versions);
    cipherSuites = Wire.copy(cipherSuites);
    extensions = Wire.copy(extensions);
    proposals = Wire.copy(proposals);
    credentials = Wire.copy(credentials);
  }

  public static Capabilities read(TlsReader r) throws MlsException {
    return new Capabilities(
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST),
        Wire.readU16List(r, Wire.MAX_LIST));
  }

  @Override
  public void encode(TlsWriter w) {
    Wire.writeU16List(w, versions);
    Wire.writeU16List(w, cipherSuites);
    Wire.writeU16List(w, extensions);
    Wire.writeU16List(w, proposals);
    Wire.writeU16List(w, credentials);
  }
}
