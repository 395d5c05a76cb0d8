package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * {@code Lifetime} of RFC 9420 §7.2: seconds since the Unix epoch, each a {@code uint64} held in a
 * {@code long} with the same bits (compare with {@link Long#compareUnsigned}).
 */
public record Lifetime(long notBefore, long notAfter) implements TlsWriter.Encodable {

  public static Lifetime read(TlsReader r) throws MlsException {
    return new Lifetime(r.u64(), r.u64());
  }

  @Override
  public void encode(TlsWriter w) {
    w.u64(notBefore).u64(notAfter);
  }
}
