package io.agentwire.provider.ratchet.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The Double Ratchet profiles one provider offers, found by name (the JCA algorithm name) and by
 * the id serialized sessions carry. The ratchet's own profiles are built in; a profile another
 * concept owns (Signal v3 compatibility) is plugged in by the provider's wiring with {@link #with},
 * so the ratchet never names it. Immutable and thread-safe.
 */
public final class RatchetProfiles {

  private static final RatchetProfiles BUILT_IN =
      new RatchetProfiles(List.of(new ModernRatchetProfile(false), new ModernRatchetProfile(true)));

  private final List<RatchetProfile> profiles;

  private RatchetProfiles(List<RatchetProfile> profiles) {
    this.profiles = profiles;
  }

  /** The ratchet's own profiles: ChaChaPoly, with and without header encryption. */
  public static RatchetProfiles builtIn() {
    return BUILT_IN;
  }

  /**
   * These profiles and {@code plugged}.
   *
   * @throws IllegalArgumentException if a profile here has its name or id
   */
  public RatchetProfiles with(RatchetProfile plugged) {
    if (byName(plugged.name()) != null || byId(plugged.id()) != null) {
      throw new IllegalArgumentException(
          "ratchet profile " + plugged.name() + " #" + plugged.id() + " is already there");
    }
    List<RatchetProfile> all = new ArrayList<>(profiles);
    all.add(plugged);
    return new RatchetProfiles(List.copyOf(all));
  }

  /** The profile of this name, or null. */
  public RatchetProfile byName(String name) {
    for (RatchetProfile p : profiles) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The profile with this serialized id, or null. */
  public RatchetProfile byId(int id) {
    for (RatchetProfile p : profiles) {
      if (p.id() == id) {
        return p;
      }
    }
    return null;
  }
}
