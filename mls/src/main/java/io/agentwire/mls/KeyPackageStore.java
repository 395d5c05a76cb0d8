package io.agentwire.mls;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the private parts of published KeyPackages wait for their Welcome (RFC 9420 §10,
 * §12.4.3.1). A caller that persists them (so a restarted agent can still accept a Welcome)
 * implements this over its own storage, using {@link KeyPackageBundle#toBytes()}; {@link
 * #inMemory()} keeps them in this process. {@link Mls#join} looks the Welcome's KeyPackageRefs up
 * here and {@linkplain #remove removes} the one it used (KeyPackages are single-use, §16.8).
 *
 * <p>Implementations must be thread-safe if several groups join concurrently.
 */
public interface KeyPackageStore {

  /** Keeps {@code bundle} under its {@link KeyPackageBundle#reference()}. */
  void put(KeyPackageBundle bundle);

  /** The bundle with this KeyPackageRef, if held. */
  Optional<KeyPackageBundle> find(byte[] reference);

  /** Forgets the bundle with this KeyPackageRef. */
  void remove(byte[] reference);

  /** A thread-safe store in this process's memory. */
  static KeyPackageStore inMemory() {
    return new KeyPackageStore() {
      private final Map<String, KeyPackageBundle> map = new ConcurrentHashMap<>();

      private String key(byte[] ref) {
        return Arrays.toString(ref);
      }

      @Override
      public void put(KeyPackageBundle bundle) {
        map.put(key(bundle.reference()), bundle);
      }

      @Override
      public Optional<KeyPackageBundle> find(byte[] reference) {
        return Optional.ofNullable(map.get(key(reference)));
      }

      @Override
      public void remove(byte[] reference) {
        map.remove(key(reference));
      }
    };
  }
}
