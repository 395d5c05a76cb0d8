package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses, once per JVM, what serves each primitive: a native backend found with {@link
 * ServiceLoader} where it is loaded, self-tested and measurably faster, the pure-Java backend
 * otherwise, or both split by message size (see {@link Routing}). The system property {@code
 * agentwire.native} is {@code auto} (default), {@code off} (pure Java only) or {@code require} (the
 * provider refuses to start without a native backend, saying why). Thread-safe; the choice is
 * immutable.
 */
public final class Backends {

  /** The {@code agentwire.native} switch. */
  public enum Mode {
    AUTO,
    OFF,
    REQUIRE
  }

  private static final Mode MODE;
  private static final Map<Primitive, Routing> CHOSEN;
  private static final List<String> NOTES;
  private static final CryptoBackend NATIVE;
  private static final String REQUIRE_FAILURE;

  static {
    List<String> notes = new ArrayList<>();
    MODE = mode(notes);
    CryptoBackend found = MODE == Mode.OFF ? null : discover(notes);
    Map<Primitive, Routing> chosen = new EnumMap<>(Primitive.class);
    for (Primitive p : Primitive.values()) {
      chosen.put(p, Routing.choose(p, PureJavaBackend.INSTANCE, found, notes));
    }
    boolean nativeUsed = chosen.values().stream().anyMatch(Routing::usesNative);
    String failure = null;
    if (MODE == Mode.REQUIRE && !nativeUsed) {
      failure =
          "agentwire.native=require but no native backend is usable: "
              + (notes.isEmpty() ? "none was found" : String.join("; ", notes));
    }
    NATIVE = nativeUsed ? found : null;
    CHOSEN = Collections.unmodifiableMap(chosen);
    NOTES = Collections.unmodifiableList(notes);
    REQUIRE_FAILURE = failure;
  }

  private Backends() {}

  private static Mode mode(List<String> notes) {
    String value = System.getProperty("agentwire.native", "auto").trim();
    try {
      return Mode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      notes.add("ignored agentwire.native=" + value + " (expected auto, off or require)");
      return Mode.AUTO;
    }
  }

  private static CryptoBackend discover(List<String> notes) {
    CryptoBackend best = null;
    try {
      Iterator<CryptoBackend> it =
          ServiceLoader.load(CryptoBackend.class, Backends.class.getClassLoader()).iterator();
      while (it.hasNext()) {
        try {
          CryptoBackend backend = it.next();
          boolean usable = false;
          for (Primitive p : Primitive.values()) {
            usable |= backend.supports(p);
          }
          notes.add(backend.name() + ": " + backend.status());
          if (usable && best == null) {
            best = backend;
          }
        } catch (ServiceConfigurationError | LinkageError e) {
          notes.add("a backend failed to load: " + e);
        }
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      notes.add("backend discovery failed: " + e);
    }
    if (best == null && notes.isEmpty()) {
      notes.add("no native backend on the class path (add agentwire-native-accel and JNA)");
    }
    return best;
  }

  /** The switch in force. */
  public static Mode mode() {
    return MODE;
  }

  /** Why {@code agentwire.native=require} cannot be met, or null. */
  public static String requireFailure() {
    return REQUIRE_FAILURE;
  }

  /** The native backend in use for at least one primitive, or null. */
  public static CryptoBackend nativeBackend() {
    return NATIVE;
  }

  /** What discovery saw, for health reports. */
  public static List<String> notes() {
    return NOTES;
  }

  /** The routing chosen for {@code primitive}. */
  public static Routing routing(Primitive primitive) {
    return CHOSEN.get(primitive);
  }

  public static DhFunction dh(Primitive primitive) {
    return CHOSEN.get(primitive).dh();
  }

  public static SignatureFunction signature(Primitive primitive) {
    return CHOSEN.get(primitive).signature();
  }

  public static AeadCipher newAead(Primitive primitive) {
    return CHOSEN.get(primitive).newAead();
  }

  public static HashFunction newHash(Primitive primitive) {
    return CHOSEN.get(primitive).newHash();
  }

  public static void randomBytes(byte[] out) {
    CHOSEN.get(Primitive.RANDOM).randomBytes(out);
  }
}
