package io.agentwire.mls;

import java.util.Optional;

/**
 * The MLS cipher suites of RFC 9420 §17.1 (the IANA "MLS Cipher Suites" registry), by their
 * registered numbers. Whether this implementation can run one is {@link #isSupported()}.
 */
public enum CipherSuite {
  MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519(1),
  MLS_128_DHKEMP256_AES128GCM_SHA256_P256(2),
  MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519(3),
  MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448(4),
  MLS_256_DHKEMP521_AES256GCM_SHA512_P521(5),
  MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448(6),
  MLS_256_DHKEMP384_AES256GCM_SHA384_P384(7);

  private final int id;

  CipherSuite(int id) {
    this.id = id;
  }

  /** The registered two-byte number. */
  public int id() {
    return id;
  }

  /** The suite with registered number {@code id}, if RFC 9420 defines it. */
  public static Optional<CipherSuite> fromId(int id) {
    for (CipherSuite s : values()) {
      if (s.id == id) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether this implementation (on this JDK and provider set) can run the suite. */
  public boolean isSupported() {
    return io.agentwire.mls.internal.crypto.Suites.isSupported(this);
  }
}
