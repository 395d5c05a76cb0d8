package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/**
 * {@code Credential} of RFC 9420 §5.3: a basic credential's {@code identity}, or an X.509
 * credential's certificate chain ({@code Certificate certificates<V>}, leaf first).
 *
 * <p>Credential types are extensible (the IANA registry) but the RFC gives the body of an unknown
 * type no length of its own. Like other implementations, this one reads the body of any type other
 * than basic and x509 as one {@code opaque<V>}, kept in {@link #identity()} with {@link
 * #certificates()} empty, and writes it back the same way, so such credentials round-trip and are
 * left to the Authentication Service to accept or refuse.
 */
public record Credential(int credentialType, byte[] identity, List<byte[]> certificates)
    implements TlsWriter.Encodable {

  public static final int BASIC = 1;
  public static final int X509 = 2;

  public Credential {
    if (credentialType < 0 || credentialType > 0xffff) {
      throw new IllegalArgumentException("credential type " + credentialType);
    }
    certificates = Wire.copy(certificates == null ? List.of() : certificates);
    if (credentialType == X509) {
      identity = null;
    } else {
      Objects.requireNonNull(identity, "identity");
      if (!certificates.isEmpty()) {
        throw new IllegalArgumentException("only an x509 credential has certificates");
      }
    }
  }

  /** A basic credential for {@code identity}. */
  public static Credential basic(byte[] identity) {
    return new Credential(BASIC, identity, List.of());
  }

  /** An X.509 credential with the chain {@code certificates}, leaf first. */
  public static Credential x509(List<byte[]> certificates) {
    return new Credential(X509, null, certificates);
  }

  public static Credential read(TlsReader r) throws MlsException {
    int type = r.u16();
    if (type == X509) {
      return new Credential(type, null, Wire.readOpaqueList(r, Wire.MAX_CERTIFICATES));
    }
    return new Credential(type, r.opaque(), List.of());
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(credentialType);
    if (credentialType == X509) {
      Wire.writeOpaqueList(w, certificates);
    } else {
      w.opaque(identity);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential c && java.util.Arrays.equals(toBytes(), c.toBytes());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "Credential[type="
        + credentialType
        + (credentialType == X509
            ? ", certificates=" + certificates.size()
            : ", identity=" + identity.length + " bytes")
        + "]";
  }
}
