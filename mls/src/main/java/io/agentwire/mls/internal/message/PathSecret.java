package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code PathSecret} of RFC 9420 §7.6/§12.4.3.1, the HPKE plaintext of an UpdatePath node and the
 * optional path secret of GroupSecrets. A secret: {@link #toString()} never shows it, and the
 * caller wipes the array and the encoding's writer ({@link TlsWriter#wipe()}) once used.
 */
public record PathSecret(byte[] pathSecret) implements TlsWriter.Encodable {

  public PathSecret {
    Objects.requireNonNull(pathSecret, "pathSecret");
  }

  public static PathSecret read(TlsReader r) throws MlsException {
    return new PathSecret(r.opaque());
  }

  /** Reads a whole decrypted PathSecret, refusing trailing bytes. */
  public static PathSecret decode(byte[] plaintext) throws MlsException {
    return Wire.decode(plaintext, PathSecret::read, "PathSecret");
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(pathSecret);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathSecret p
        && java.security.MessageDigest.isEqual(pathSecret, p.pathSecret);
  }

  @Override
  public int hashCode() {
    return pathSecret.length;
  }

  @Override
  public String toString() {
    return "PathSecret[redacted]";
  }
}
