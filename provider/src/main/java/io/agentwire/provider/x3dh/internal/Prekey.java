package io.agentwire.provider.x3dh.internal;

import java.util.Arrays;

/**
 * A prekey's raw key pair, and for a signed prekey the identity key's XEdDSA signature over {@code
 * Encode(publicKey)} (null for a one-time prekey). The private half is wiped when the prekey is
 * dropped; {@link PrekeyStore} guards it.
 */
record Prekey(int id, byte[] privateKey, byte[] publicKey, byte[] signature) {

  void wipe() {
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "Prekey[" + Integer.toUnsignedString(id) + "]";
  }
}
