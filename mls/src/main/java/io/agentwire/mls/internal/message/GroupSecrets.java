package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/**
 * {@code GroupSecrets} of RFC 9420 §12.4.3.1, the HPKE plaintext of a Welcome for one new member:
 * the joiner secret, an optional path secret (null when absent) and the PSKs of the epoch (at most
 * {@link Wire#MAX_LIST}). Secret: {@link #toString()} shows neither secret.
 */
public record GroupSecrets(byte[] joinerSecret, PathSecret pathSecret, List<PreSharedKeyId> psks)
    implements TlsWriter.Encodable {

  public GroupSecrets {
    Objects.requireNonNull(joinerSecret, "joinerSecret");
    psks = Wire.copy(psks);
  }

  public static GroupSecrets read(TlsReader r) throws MlsException {
    return new GroupSecrets(
        r.opaque(), r.optional(PathSecret::read), r.vector(PreSharedKeyId::read, Wire.MAX_LIST));
  }

  /** Reads a whole decrypted GroupSecrets, refusing trailing bytes. */
  public static GroupSecrets decode(byte[] plaintext) throws MlsException {
    return Wire.decode(plaintext, GroupSecrets::read, "GroupSecrets");
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(joinerSecret);
    w.optional(pathSecret, (x, p) -> p.encode(x));
    w.vector(psks, (x, p) -> p.encode(x));
  }

  @Override
  public String toString() {
    return "GroupSecrets[redacted, "
        + (pathSecret != null ? "with" : "no")
        + " path secret, "
        + psks.size()
        + " PSKs]";
  }
}
