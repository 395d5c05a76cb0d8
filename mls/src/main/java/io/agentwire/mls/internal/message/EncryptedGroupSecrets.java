package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code EncryptedGroupSecrets} of RFC 9420 §12.4.3.1: the new member's {@code KeyPackageRef} and
 * its GroupSecrets encrypted to the key package's init key.
 */
public record EncryptedGroupSecrets(byte[] newMember, HpkeCiphertext encryptedGroupSecrets)
    implements TlsWriter.Encodable {

  public EncryptedGroupSecrets {
    Objects.requireNonNull(newMember, "newMember");
    Objects.requireNonNull(encryptedGroupSecrets, "encryptedGroupSecrets");
  }

  public static EncryptedGroupSecrets read(TlsReader r) throws MlsException {
    return new EncryptedGroupSecrets(r.opaque(), HpkeCiphertext.read(r));
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(newMember);
    encryptedGroupSecrets.encode(w);
  }
}
