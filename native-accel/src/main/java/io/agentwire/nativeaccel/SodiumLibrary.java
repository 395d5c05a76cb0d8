package io.agentwire.nativeaccel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import io.agentwire.provider.backend.Primitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Finds and binds libsodium once per JVM (class initialization is the lock), calls {@code
 * sodium_init}, checks the version, and runs a known-answer self-test per primitive. Whatever fails
 * is recorded with its reason; nothing here throws.
 *
 * <p>Search order: the system property {@code agentwire.sodium.path} (a file) if set; otherwise the
 * names {@code sodium}, {@code libsodium.so.23}, {@code libsodium.so.26}, {@code libsodium.dylib},
 * {@code libsodium} and {@code sodium.dll}, each resolved by JNA through {@code jna.library.path}
 * and the system's library paths.
 */
final class SodiumLibrary {

  /** The oldest release with every function mapped in {@link Sodium} (XChaCha20 came in 1.0.12). */
  static final int[] MINIMUM_VERSION = {1, 0, 12};

  static final boolean LOADED;
  static final String VERSION;
  static final String LOCATION;
  static final String FAILURE;
  static final Set<Primitive> VERIFIED;
  static final List<String> SELF_TEST_FAILURES;

  static {
    boolean loaded = false;
    String version = null;
    String location = null;
    String failure = null;
    Set<Primitive> verified = EnumSet.noneOf(Primitive.class);
    List<String> failures = new ArrayList<>();
    try {
      if (Native.POINTER_SIZE != 8) {
        throw new IllegalStateException(
            "a 64-bit JVM is required; this one has "
                + (8 * Native.POINTER_SIZE)
                + "-bit pointers");
      }
      NativeLibrary library = find();
      location = library.getFile() == null ? library.getName() : library.getFile().getPath();
      // The version first, through a plain lookup: binding an older library would fail on the
      // first missing function with a far less helpful message.
      version = library.getFunction("sodium_version_string").invokeString(new Object[0], false);
      if (!atLeast(version, MINIMUM_VERSION)) {
        throw new IllegalStateException(
            "libsodium " + version + " at " + location + " is older than the required 1.0.12");
      }
      Sodium.bind(library);
      if (Sodium.sodium_init() < 0) {
        throw new IllegalStateException("sodium_init() failed");
      }
      loaded = true;
      SelfTest.run(verified, failures);
    } catch (Throwable e) {
      failure = reason(e);
    }
    LOADED = loaded;
    VERSION = version;
    LOCATION = location;
    FAILURE = failure;
    VERIFIED = Collections.unmodifiableSet(verified);
    SELF_TEST_FAILURES = Collections.unmodifiableList(failures);
  }

  private SodiumLibrary() {}

  private static NativeLibrary find() {
    String explicit = System.getProperty("agentwire.sodium.path");
    List<String> names =
        explicit != null && !explicit.isBlank()
            ? List.of(explicit)
            : List.of(
                "sodium",
                "libsodium.so.23",
                "libsodium.so.26",
                "libsodium.dylib",
                "libsodium",
                "sodium.dll");
    StringBuilder tried = new StringBuilder();
    for (String name : names) {
      try {
        return NativeLibrary.getInstance(name);
      } catch (UnsatisfiedLinkError e) {
        tried.append(tried.length() == 0 ? "" : "; ").append(name);
      }
    }
    throw new UnsatisfiedLinkError(
        (explicit != null
                ? "agentwire.sodium.path=" + explicit + " could not be loaded"
                : "libsodium was not found (tried " + tried + ")")
            + "; install it (Debian/Ubuntu: apt-get install libsodium23), or point"
            + " -Djna.library.path or -Dagentwire.sodium.path at it");
  }

  static boolean atLeast(String version, int[] minimum) {
    String[] parts = version.split("\\.");
    for (int i = 0; i < minimum.length; i++) {
      String digits = i < parts.length ? parts[i].replaceAll("\\D.*", "") : "";
      int v = digits.isEmpty() ? 0 : Integer.parseInt(digits);
      if (v != minimum[i]) {
        return v > minimum[i];
      }
    }
    return true;
  }

  private static String reason(Throwable e) {
    if (e instanceof NoClassDefFoundError || e instanceof ClassNotFoundException) {
      return "JNA is not on the class path (" + e.getMessage() + ")";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getName() : m;
  }
}
