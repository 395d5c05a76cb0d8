package io.agentwire.mls;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The external pre-shared keys (RFC 9420 §8.4) this member knows, by {@code psk_id}. A commit or
 * Welcome that names an external PSK this store does not hold is refused. Resumption PSKs come from
 * the group's own past epochs and need no store.
 *
 * <p>Implementations must be thread-safe if shared between groups.
 */
public interface PskStore {

  /** The PSK with this id, if known. */
  Optional<byte[]> find(byte[] pskId);

  /** A store with no PSKs. */
  static PskStore none() {
    return id -> Optional.empty();
  }

  /** A mutable thread-safe in-memory store. */
  static InMemory inMemory() {
    return new InMemory();
  }

  /** A thread-safe in-memory {@link PskStore}. */
  final class InMemory implements PskStore {
    private final Map<String, byte[]> map = new ConcurrentHashMap<>();

    InMemory() {}

    /** Adds (or replaces) the PSK {@code psk} with id {@code pskId}. */
    public InMemory put(byte[] pskId, byte[] psk) {
      map.put(Arrays.toString(pskId), psk.clone());
      return this;
    }

    @Override
    public Optional<byte[]> find(byte[] pskId) {
      byte[] v = map.get(Arrays.toString(pskId));
      return v == null ? Optional.empty() : Optional.of(v.clone());
    }
  }
}
