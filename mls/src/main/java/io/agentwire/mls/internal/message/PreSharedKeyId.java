package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code PreSharedKeyID} of RFC 9420 §8.4. An external PSK has {@link #pskId()} (and {@code usage}
 * 0, {@code pskGroupId} null, {@code pskEpoch} 0); a resumption PSK has {@link #usage()}, {@link
 * #pskGroupId()} and {@link #pskEpoch()} (and {@code pskId} null). Both have a nonce. {@code
 * PSKType} and {@code ResumptionPSKUsage} are closed sets: other values are malformed.
 */
public record PreSharedKeyId(
    int pskType, byte[] pskId, int usage, byte[] pskGroupId, long pskEpoch, byte[] pskNonce)
    implements TlsWriter.Encodable {

  public static final int EXTERNAL = 1;
  public static final int RESUMPTION = 2;

  public static final int USAGE_APPLICATION = 1;
  public static final int USAGE_REINIT = 2;
  public static final int USAGE_BRANCH = 3;

  public PreSharedKeyId {
    Objects.requireNonNull(pskNonce, "pskNonce");
    if (pskType == EXTERNAL) {
      Objects.requireNonNull(pskId, "pskId");
      if (pskGroupId != null || usage != 0 || pskEpoch != 0) {
        throw new IllegalArgumentException("an external PSK has only an id and a nonce");
      }
    } else if (pskType == RESUMPTION) {
      Objects.requireNonNull(pskGroupId, "pskGroupId");
      if (pskId != null) {
        throw new IllegalArgumentException("a resumption PSK has no psk_id");
      }
      if (usage < USAGE_APPLICATION || usage > USAGE_BRANCH) {
        throw new IllegalArgumentException("resumption usage " + usage);
      }
    } else {
      throw new IllegalArgumentException("psk type " + pskType);
    }
  }

  public static PreSharedKeyId external(byte[] pskId, byte[] pskNonce) {
    return new PreSharedKeyId(EXTERNAL, pskId, 0, null, 0, pskNonce);
  }

  public static PreSharedKeyId resumption(
      int usage, byte[] pskGroupId, long pskEpoch, byte[] pskNonce) {
    return new PreSharedKeyId(RESUMPTION, null, usage, pskGroupId, pskEpoch, pskNonce);
  }

  public static PreSharedKeyId read(TlsReader r) throws MlsException {
    int type = r.u8();
    switch (type) {
      case EXTERNAL:
        return external(r.opaque(), r.opaque());
      case RESUMPTION:
        int usage = r.u8();
        if (usage < USAGE_APPLICATION || usage > USAGE_BRANCH) {
          throw Wire.malformed("unknown resumption PSK usage " + usage);
        }
        byte[] groupId = r.opaque();
        long epoch = r.u64();
        return resumption(usage, groupId, epoch, r.opaque());
      default:
        throw Wire.malformed("unknown psktype " + type);
    }
  }

  @Override
  public void encode(TlsWriter w) {
    w.u8(pskType);
    if (pskType == EXTERNAL) {
      w.opaque(pskId);
    } else {
      w.u8(usage).opaque(pskGroupId).u64(pskEpoch);
    }
    w.opaque(pskNonce);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreSharedKeyId p && Arrays.equals(toBytes(), p.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return pskType == EXTERNAL
        ? "PreSharedKeyId[external, id " + pskId.length + " bytes]"
        : "PreSharedKeyId[resumption, usage="
            + usage
            + ", epoch="
            + Long.toUnsignedString(pskEpoch)
            + "]";
  }
}
