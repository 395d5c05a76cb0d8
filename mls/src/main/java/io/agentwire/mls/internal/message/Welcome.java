package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code Welcome} of RFC 9420 §12.4.3.1: the cipher suite, one {@link EncryptedGroupSecrets} per
 * new member (at most {@link Wire#MAX_RECIPIENTS}) and the encrypted GroupInfo.
 */
public record Welcome(
    int cipherSuite, List<EncryptedGroupSecrets> secrets, byte[] encryptedGroupInfo)
    implements TlsWriter.Encodable {

  public Welcome {
    secrets = Wire.copy(secrets);
    Objects.requireNonNull(encryptedGroupInfo, "encryptedGroupInfo");
  }

  public static Welcome read(TlsReader r) throws MlsException {
    return new Welcome(
        r.u16(), r.vector(EncryptedGroupSecrets::read, Wire.MAX_RECIPIENTS), r.opaque());
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(cipherSuite);
    w.vector(secrets, (x, s) -> s.encode(x));
    w.opaque(encryptedGroupInfo);
  }

  /** The entry for the key package with reference {@code ref}, or null. */
  public EncryptedGroupSecrets secretsFor(byte[] ref) {
    for (EncryptedGroupSecrets s : secrets) {
      if (Arrays.equals(s.newMember(), ref)) {
        return s;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Welcome[suite=" + cipherSuite + ", " + secrets.size() + " new members]";
  }
}
