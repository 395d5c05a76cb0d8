package io.agentwire.nativeaccel;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Native tests need libsodium. Under {@code agentwire.test.native=require} (the build's default,
 * and what CI uses after installing libsodium) its absence fails the test; otherwise it skips
 * loudly.
 */
final class NativeAvailable {

  private NativeAvailable() {}

  static void check() {
    if (SodiumLibrary.LOADED) {
      return;
    }
    String why = "libsodium is not loaded: " + SodiumLibrary.FAILURE;
    if ("require".equals(System.getProperty("agentwire.test.native", "require"))) {
      fail(why + " (install libsodium23, or run with -Dagentwire.test.native=auto to skip)");
    }
    System.err.println("*** SKIPPED LOUDLY: " + why);
    Assumptions.abort(why);
  }
}
