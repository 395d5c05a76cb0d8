package io.agentwire.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Byte fixtures: text, hex, random bytes and concatenation. */
public final class Bytes {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  /** {@code s} in UTF-8. */
  public static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] hex(String hex) {
    return HEX.parseHex(hex);
  }

  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Each of {@code values} parsed as hex. */
  public static List<byte[]> hexList(String... values) {
    List<byte[]> out = new ArrayList<>();
    for (String v : values) {
      out.add(hex(v));
    }
    return out;
  }

  /** {@code n} bytes from a {@link SecureRandom}. */
  public static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  public static byte[] concat(List<byte[]> parts) {
    return concat(parts.toArray(new byte[0][]));
  }
}
