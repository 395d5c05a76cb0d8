package io.agentwire.socketfactory.identity;

import java.security.MessageDigest;
import java.security.Principal;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A peer as AgentWire knows it: the static public key its Noise handshake proved it holds, and the
 * name it was verified under (a host or agent name, or its key fingerprint when it has none). Two
 * principals are equal when their keys are. Immutable and thread-safe.
 */
public final class AgentPrincipal implements Principal {

  private final String name;
  private final PublicKey key;
  private final byte[] raw;

  /**
   * @param name the verified name, or {@code null} to use the key's fingerprint
   * @param key the peer's X25519 static public key
   */
  public AgentPrincipal(String name, PublicKey key) {
    this.key = Objects.requireNonNull(key, "key");
    this.raw = AgentKeys.raw(key);
    this.name = name == null ? AgentKeys.fingerprint(key) : name;
  }

  /** The verified name, or the fingerprint when the peer has no name. */
  @Override
  public String getName() {
    return name;
  }

  /** The peer's static public key. */
  public PublicKey publicKey() {
    return key;
  }

  /** {@code SHA256:} and the unpadded base64 of SHA-256 over the raw key. */
  public String fingerprint() {
    return AgentKeys.fingerprint(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentPrincipal && MessageDigest.isEqual(raw, ((AgentPrincipal) o).raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "AgentPrincipal[" + name + ", " + fingerprint() + "]";
  }
}
