package io.agentwire.provider;

import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.backend.internal.Routing;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What serves each primitive in this JVM and why: whether native code is in use, its self-test
 * results, and when it is not used, the exact reason. Immutable snapshot; obtain it from {@link
 * AgentWireProvider#health()}.
 */
public final class BackendHealth {

  private final String mode;
  private final boolean nativeInUse;
  private final String nativeStatus;
  private final Map<Primitive, String> servedBy;
  private final List<String> notes;

  private BackendHealth(
      String mode,
      boolean nativeInUse,
      String nativeStatus,
      Map<Primitive, String> servedBy,
      List<String> notes) {
    this.mode = mode;
    this.nativeInUse = nativeInUse;
    this.nativeStatus = nativeStatus;
    this.servedBy = servedBy;
    this.notes = notes;
  }

  static BackendHealth current() {
    Map<Primitive, String> served = new EnumMap<>(Primitive.class);
    boolean nativeUsed = false;
    for (Primitive p : Primitive.values()) {
      Routing r = Backends.routing(p);
      served.put(p, r.describe());
      nativeUsed |= r.usesNative();
    }
    CryptoBackend nat = Backends.nativeBackend();
    String status;
    if (nat != null) {
      status = nat.status();
    } else if (Backends.mode() == Backends.Mode.OFF) {
      status = "not used: agentwire.native=off";
    } else {
      status = "not used: " + String.join("; ", Backends.notes());
    }
    return new BackendHealth(
        Backends.mode().name().toLowerCase(java.util.Locale.ROOT),
        nativeUsed,
        status,
        Collections.unmodifiableMap(served),
        Backends.notes());
  }

  /** The {@code agentwire.native} setting in force: auto, off or require. */
  public String mode() {
    return mode;
  }

  /** Whether native code serves at least one primitive. */
  public boolean nativeInUse() {
    return nativeInUse;
  }

  /** The native backend's own report, or why no native backend is in use. */
  public String nativeStatus() {
    return nativeStatus;
  }

  /** For each primitive, the backend (or size split) that serves it. */
  public Map<Primitive, String> servedBy() {
    return servedBy;
  }

  /** What backend discovery saw. */
  public List<String> notes() {
    return notes;
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("agentwire.native=")
            .append(mode)
            .append("; native ")
            .append(nativeInUse ? "in use" : "not in use")
            .append("\n  native: ")
            .append(nativeStatus);
    for (Map.Entry<Primitive, String> e : servedBy.entrySet()) {
      sb.append("\n  ").append(e.getKey()).append(": ").append(e.getValue());
    }
    return sb.toString();
  }
}
