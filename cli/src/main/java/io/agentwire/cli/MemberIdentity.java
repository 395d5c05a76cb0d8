package io.agentwire.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The credential identity an {@code mls-member} derives from its {@code --name}, so that any
 * implementation can compute any other member's identity from its name (the "Identity" section of
 * the mls-member protocol): SHA-256 of the name shaped like a version-4 UUID, then {@code
 * :1@agents.test}. A name that already holds both {@code :} and {@code @} is an identity already.
 */
final class MemberIdentity {

  static final String SUFFIX = ":1@agents.test";

  private MemberIdentity() {}

  static String of(String name) {
    if (name.indexOf(':') >= 0 && name.indexOf('@') >= 0) {
      return name;
    }
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    h[6] = (byte) ((h[6] & 0x0f) | 0x40);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    String x = HexFormat.of().formatHex(h, 0, 16);
    return x.substring(0, 8)
        + "-"
        + x.substring(8, 12)
        + "-"
        + x.substring(12, 16)
        + "-"
        + x.substring(16, 20)
        + "-"
        + x.substring(20, 32)
        + SUFFIX;
  }
}
