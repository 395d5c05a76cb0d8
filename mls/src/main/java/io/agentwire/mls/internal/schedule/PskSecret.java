package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import java.util.List;
import java.util.Objects;

/**
 * psk_secret from the pre-shared keys a commit or Welcome names (RFC 9420 §8.4):
 *
 * <pre>
 *   psk_extracted_[i] = KDF.Extract(0, psk_[i])
 *   psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel(id_i, i, n), Nh)
 *   psk_secret_[0]    = 0;  psk_secret_[i] = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
 * </pre>
 *
 * where PSKLabel is {@code struct { PreSharedKeyID id; uint16 index; uint16 count; }} and 0 is Nh
 * zero bytes. With no PSKs psk_secret is 0. Stateless and thread-safe.
 */
public final class PskSecret {

  /** A PSK list longer than a uint16 can count is refused. */
  public static final int MAX_PSKS = 0xffff;

  /**
   * One pre-shared key: {@code encodedId} is the TLS encoding of its PreSharedKeyID (§8.4), {@code
   * psk} the key itself.
   */
  public record Input(byte[] encodedId, byte[] psk) {
    public Input {
      Objects.requireNonNull(encodedId, "encodedId");
      Objects.requireNonNull(psk, "psk");
    }

    @Override
    public String toString() {
      return "PskSecret.Input[" + encodedId.length + "-byte id]";
    }
  }

  private PskSecret() {}

  /** psk_secret for {@code psks} in the order the proposals (or GroupSecrets) list them. */
  public static byte[] compute(Suite suite, List<Input> psks) throws MlsException {
    int n = psks.size();
    if (n > MAX_PSKS) {
      throw new MlsException(MlsException.Reason.LIMIT_EXCEEDED, n + " PSKs exceed " + MAX_PSKS);
    }
    int nh = suite.hashLength();
    byte[] secret = new byte[nh];
    for (int i = 0; i < n; i++) {
      Input in = psks.get(i);
      byte[] extracted = suite.extract(new byte[nh], in.psk());
      byte[] label = new TlsWriter().raw(in.encodedId()).u16(i).u16(n).toByteArray();
      byte[] input = suite.expandWithLabel(extracted, "derived psk", label, nh);
      byte[] next = suite.extract(input, secret);
      Labels.wipe(extracted, input, secret);
      secret = next;
    }
    return secret;
  }

  /**
   * The TLS encoding of an external PreSharedKeyID, {@code psktype = external(1)}: {@code
   * psk_id<V>}, {@code psk_nonce<V>}.
   */
  public static byte[] externalId(byte[] pskId, byte[] pskNonce) {
    return new TlsWriter().u8(1).opaque(pskId).opaque(pskNonce).toByteArray();
  }

  /**
   * The TLS encoding of a resumption PreSharedKeyID, {@code psktype = resumption(2)}: usage, {@code
   * psk_group_id<V>}, {@code uint64 psk_epoch}, {@code psk_nonce<V>}.
   */
  public static byte[] resumptionId(int usage, byte[] groupId, long epoch, byte[] pskNonce) {
    return new TlsWriter()
        .u8(2)
        .u8(usage)
        .opaque(groupId)
        .u64(epoch)
        .opaque(pskNonce)
        .toByteArray();
  }
}
