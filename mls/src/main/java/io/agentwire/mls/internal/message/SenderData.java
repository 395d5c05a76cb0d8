package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code SenderData} of RFC 9420 §6.3.2: the sender's leaf index, the generation of the key used
 * and the four-byte reuse guard. The {@code uint32}s are held with their bits unchanged.
 */
public record SenderData(int leafIndex, int generation, byte[] reuseGuard)
    implements TlsWriter.Encodable {

  public static final int REUSE_GUARD_LENGTH = 4;

  public SenderData {
    Objects.requireNonNull(reuseGuard, "reuseGuard");
    if (reuseGuard.length != REUSE_GUARD_LENGTH) {
      throw new IllegalArgumentException("the reuse guard has 4 bytes");
    }
  }

  public static SenderData read(TlsReader r) throws MlsException {
    return new SenderData((int) r.u32(), (int) r.u32(), r.raw(REUSE_GUARD_LENGTH));
  }

  /** Reads a whole decrypted sender data, refusing trailing bytes. */
  public static SenderData decode(byte[] plaintext) throws MlsException {
    return Wire.decode(plaintext, SenderData::read, "SenderData");
  }

  @Override
  public void encode(TlsWriter w) {
    w.u32(leafIndex & 0xffffffffL).u32(generation & 0xffffffffL).raw(reuseGuard);
  }

  @Override
  public String toString() {
    return "SenderData[leaf="
        + Integer.toUnsignedString(leafIndex)
        + ", generation="
        + Integer.toUnsignedString(generation)
        + "]";
  }
}
