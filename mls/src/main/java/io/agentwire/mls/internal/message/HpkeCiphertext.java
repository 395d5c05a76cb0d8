package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code HPKECiphertext} of RFC 9420 §7.6: the KEM output and the AEAD ciphertext. */
public record HpkeCiphertext(byte[] kemOutput, byte[] ciphertext) implements TlsWriter.Encodable {

  public HpkeCiphertext {
    Objects.requireNonNull(kemOutput, "kemOutput");
    Objects.requireNonNull(ciphertext, "ciphertext");
  }

  public static HpkeCiphertext read(TlsReader r) throws MlsException {
    return new HpkeCiphertext(r.opaque(), r.opaque());
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(kemOutput).opaque(ciphertext);
  }

  @Override
  public String toString() {
    return "HpkeCiphertext[" + kemOutput.length + "+" + ciphertext.length + " bytes]";
  }
}
