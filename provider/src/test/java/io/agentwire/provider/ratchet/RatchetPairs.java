package io.agentwire.provider.ratchet;

import io.agentwire.provider.Agents;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;

/**
 * Connected Double Ratchet session pairs for tests, made once here for every ratchet test (the
 * public API's and the internal package's): a random shared secret, Bob's ratchet key pair, and
 * associated data of the shape the profile wants. It needs the provider's types, so it lives in the
 * provider's test tree rather than in test-support.
 */
public final class RatchetPairs {

  public static final Provider PROVIDER = Agents.PROVIDER;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RatchetPairs() {}

  /** Alice initiated (she may send first); Bob responded with his ratchet key pair. */
  public record Pair(RatchetSession alice, RatchetSession bob) {}

  /** A connected pair of sessions for {@code profile}. */
  public static Pair pair(String profile) throws GeneralSecurityException {
    return pair(DoubleRatchet.getInstance(profile, PROVIDER));
  }

  /** A connected pair of sessions made by {@code dr} (whatever its limits). */
  public static Pair pair(DoubleRatchet dr) throws GeneralSecurityException {
    byte[] secret = new byte[dr.sharedSecretLength()];
    RANDOM.nextBytes(secret);
    KeyPair bobRatchet = Agents.keyPair("X25519");
    byte[] ad = associatedData(dr.getProfile());
    return new Pair(
        dr.initInitiator(secret, bobRatchet.getPublic(), ad),
        dr.initResponder(secret, bobRatchet, ad));
  }

  /**
   * Associated data for {@code profile}: Signal v3 wants both identity keys (33 bytes each, type
   * byte 5); the others take any bytes.
   */
  public static byte[] associatedData(String profile) {
    if (!profile.equals(DoubleRatchet.SIGNAL_V3_PROFILE)) {
      return "alice|bob".getBytes(StandardCharsets.UTF_8);
    }
    byte[] ad = new byte[66];
    RANDOM.nextBytes(ad);
    ad[0] = 5;
    ad[33] = 5;
    return ad;
  }
}
