package io.agentwire.nativeaccel;

import io.agentwire.testsupport.NativeRequirement;

/**
 * Native tests need libsodium: {@link NativeRequirement} (the one rule for every module) decides
 * whether its absence fails the test or skips it loudly; this names the library and why it did not
 * load.
 */
final class NativeAvailable {

  private NativeAvailable() {}

  static void check() {
    NativeRequirement.check(
        SodiumLibrary.LOADED, "libsodium is not loaded: " + SodiumLibrary.FAILURE);
  }
}
