package io.agentwire.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Whether tests that need libsodium must have it. Under {@code agentwire.test.native=require} (the
 * build's default, and what CI uses after installing libsodium) its absence fails the test; under
 * {@code auto} the test skips loudly.
 */
public final class NativeRequirement {

  /** The system property the build sets from the Maven property of the same name. */
  public static final String PROPERTY = "agentwire.test.native";

  private NativeRequirement() {}

  /** Whether libsodium is required (the default when the property is unset). */
  public static boolean required() {
    return "require".equals(setting());
  }

  /** The property's value, {@code require} when unset. */
  public static String setting() {
    return System.getProperty(PROPERTY, "require");
  }

  /**
   * Passes when {@code loaded}; otherwise fails (required) or aborts the test with {@code why}
   * printed on stderr.
   */
  public static void check(boolean loaded, String why) {
    if (loaded) {
      return;
    }
    if (required()) {
      fail(why + " (install libsodium23, or run with -D" + PROPERTY + "=auto to skip)");
    }
    System.err.println("*** SKIPPED LOUDLY: " + why);
    Assumptions.abort(why);
  }
}
