package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ExpandWithLabel and DeriveSecret (RFC 9420 §8) for labels given as bytes, which the exporter of
 * §8.5 needs: its label is the application's, not one of the protocol's ASCII labels, so it cannot
 * go through {@link Suite#expandWithLabel}'s {@code String}. Stateless.
 */
final class Labels {

  private static final byte[] PREFIX = "MLS 1.0 ".getBytes(StandardCharsets.US_ASCII);

  private Labels() {}

  /** ExpandWithLabel(secret, label, context, length) with {@code label} as raw bytes. */
  static byte[] expandWithLabel(
      Suite suite, byte[] secret, byte[] label, byte[] context, int length) {
    byte[] fullLabel = new byte[PREFIX.length + label.length];
    System.arraycopy(PREFIX, 0, fullLabel, 0, PREFIX.length);
    System.arraycopy(label, 0, fullLabel, PREFIX.length, label.length);
    TlsWriter w = new TlsWriter(8 + fullLabel.length + context.length);
    w.u16(length).opaque(fullLabel).opaque(context);
    byte[] info = w.toByteArray();
    try {
      return suite.expand(secret, info, length);
    } finally {
      w.wipe();
      Arrays.fill(info, (byte) 0);
    }
  }

  /** DeriveSecret(secret, label) with {@code label} as raw bytes. */
  static byte[] deriveSecret(Suite suite, byte[] secret, byte[] label) {
    return expandWithLabel(suite, secret, label, new byte[0], suite.hashLength());
  }

  /** A uint32 in network byte order, as DeriveTreeSecret's generation context. */
  static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static void wipe(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }
}
