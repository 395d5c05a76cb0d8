package io.agentwire.integrations;

import java.util.SplittableRandom;

/** Request bodies: deterministic, and never the same two bytes repeated (so splices show). */
public final class Payloads {

  private Payloads() {}

  /** {@code n} bytes determined by {@code n}. */
  public static byte[] bytes(int n) {
    byte[] b = new byte[n];
    SplittableRandom r = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  /** A short text body naming {@code what}. */
  public static String text(String what) {
    return "hello from " + what + " \u2713";
  }
}
