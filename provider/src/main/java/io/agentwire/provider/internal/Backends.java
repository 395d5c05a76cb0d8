package io.agentwire.provider.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
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
 * Chooses, once per JVM, the backend that serves each primitive: a discovered backend (found with
 * {@link ServiceLoader}) where it supports the primitive, the pure-Java one otherwise. The system
 * property {@code agentwire.native=off} skips discovery. Thread-safe; the choice is immutable.
 */
public final class Backends {

  private static final Map<Primitive, CryptoBackend> CHOSEN;
  private static final List<String> NOTES;

  static {
    Map<Primitive, CryptoBackend> chosen = new EnumMap<>(Primitive.class);
    List<String> notes = new ArrayList<>();
    List<CryptoBackend> discovered = discover(notes);
    for (Primitive primitive : Primitive.values()) {
      CryptoBackend pick = PureJavaBackend.INSTANCE;
      for (CryptoBackend candidate : discovered) {
        if (candidate.supports(primitive)) {
          pick = candidate;
          break;
        }
      }
      chosen.put(primitive, pick);
    }
    CHOSEN = Collections.unmodifiableMap(chosen);
    NOTES = Collections.unmodifiableList(notes);
  }

  private Backends() {}

  private static List<CryptoBackend> discover(List<String> notes) {
    List<CryptoBackend> found = new ArrayList<>();
    String mode = System.getProperty("agentwire.native", "auto").trim().toLowerCase(Locale.ROOT);
    if (mode.equals("off")) {
      notes.add("discovery skipped: agentwire.native=off");
      return found;
    }
    try {
      Iterator<CryptoBackend> it =
          ServiceLoader.load(CryptoBackend.class, Backends.class.getClassLoader()).iterator();
      while (it.hasNext()) {
        try {
          CryptoBackend backend = it.next();
          if (backend != PureJavaBackend.INSTANCE) {
            found.add(backend);
          }
        } catch (ServiceConfigurationError | LinkageError e) {
          notes.add("a backend failed to load: " + e);
        }
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      notes.add("backend discovery failed: " + e);
    }
    if (found.isEmpty()) {
      notes.add("no other backend found; pure Java serves every primitive");
    }
    return found;
  }

  /** The backend chosen for {@code primitive}. */
  public static CryptoBackend forPrimitive(Primitive primitive) {
    return CHOSEN.get(primitive);
  }

  /** What discovery saw, for health reports. */
  public static List<String> notes() {
    return NOTES;
  }

  static DhFunction dh(Primitive primitive) {
    return CHOSEN.get(primitive).dh(primitive);
  }

  static AeadCipher newAead(Primitive primitive) {
    return CHOSEN.get(primitive).newAead(primitive);
  }

  static HashFunction newHash(Primitive primitive) {
    return CHOSEN.get(primitive).newHash(primitive);
  }

  static void randomBytes(byte[] out) {
    CHOSEN.get(Primitive.RANDOM).randomBytes(out);
  }
}
