package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Before a discovered backend serves a primitive, the provider checks it against the pure-Java
 * backend on fixed inputs (whatever self-tests the backend ran itself): a jar on the class path
 * should not be able to change results silently.
 */
final class BackendCheck {

  private BackendCheck() {}

  /** Null if {@code candidate} agrees with {@code reference} on {@code p}, else why not. */
  static String disagreement(Primitive p, CryptoBackend candidate, CryptoBackend reference) {
    try {
      switch (p) {
        case X25519:
        case X448:
          return dh(p, candidate, reference);
        case ED25519:
          return signature(p, candidate, reference);
        case CHACHA20_POLY1305:
        case AES_256_GCM:
          return aead(p, candidate, reference);
        case SHA256:
        case SHA512:
        case BLAKE2S:
        case BLAKE2B:
          return hash(p, candidate, reference);
        default:
          return "no cross-check exists for " + p;
      }
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      return p + " cross-check failed: " + e;
    }
  }

  private static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed + 31 * i);
    }
    return b;
  }

  private static String dh(Primitive p, CryptoBackend c, CryptoBackend r)
      throws GeneralSecurityException {
    int n = p.length();
    byte[] a = pattern(n, 1);
    byte[] b = pattern(n, 2);
    byte[] pubC = new byte[n];
    byte[] pubR = new byte[n];
    c.dh(p).publicKey(b, pubC);
    r.dh(p).publicKey(b, pubR);
    byte[] sharedC = new byte[n];
    byte[] sharedR = new byte[n];
    c.dh(p).agree(a, pubR, sharedC);
    r.dh(p).agree(a, pubR, sharedR);
    return Arrays.equals(pubC, pubR) && Arrays.equals(sharedC, sharedR)
        ? null
        : p + " results differ from pure Java";
  }

  /** Ed25519 is deterministic: the same seed and message give the same signature. */
  private static String signature(Primitive p, CryptoBackend c, CryptoBackend r) {
    SignatureFunction sc = c.signature(p);
    SignatureFunction sr = r.signature(p);
    for (int length : new int[] {0, 1, 64, 1000}) {
      byte[] seed = pattern(32, length);
      byte[] msg = pattern(length + 2, 9);
      byte[] pubC = new byte[32];
      byte[] pubR = new byte[32];
      sc.publicKey(seed, pubC);
      sr.publicKey(seed, pubR);
      byte[] sigC = new byte[64];
      byte[] sigR = new byte[64];
      sc.sign(seed, msg, 1, length, sigC);
      sr.sign(seed, msg, 1, length, sigR);
      if (!Arrays.equals(pubC, pubR) || !Arrays.equals(sigC, sigR)) {
        return p + " results differ from pure Java";
      }
      if (!sc.verify(pubR, msg, 1, length, sigR)) {
        return p + " refuses a pure-Java signature";
      }
      sigR[length % 64] ^= 1;
      if (sc.verify(pubR, msg, 1, length, sigR)) {
        return p + " accepts a forged signature";
      }
    }
    return null;
  }

  private static String aead(Primitive p, CryptoBackend c, CryptoBackend r)
      throws GeneralSecurityException {
    for (int length : new int[] {0, 1, 63, 64, 1000, 4096}) {
      byte[] key = pattern(32, length);
      byte[] nonce = pattern(12, 7);
      byte[] ad = pattern(length % 50, 3);
      byte[] msg = pattern(length, 5);
      byte[] outC = new byte[length + 16];
      byte[] outR = new byte[length + 16];
      AeadCipher ac = c.newAead(p);
      AeadCipher ar = r.newAead(p);
      ac.setKey(key);
      ar.setKey(key);
      ac.seal(nonce, ad, 0, ad.length, msg, 0, length, outC, 0);
      ar.seal(nonce, ad, 0, ad.length, msg, 0, length, outR, 0);
      byte[] back = new byte[length];
      ac.open(nonce, ad, 0, ad.length, outR, 0, outR.length, back, 0);
      ac.destroy();
      ar.destroy();
      if (!Arrays.equals(outC, outR) || !Arrays.equals(back, msg)) {
        return p + " results differ from pure Java at " + length + " bytes";
      }
    }
    return null;
  }

  private static String hash(Primitive p, CryptoBackend c, CryptoBackend r) {
    for (int length : new int[] {0, 3, 128, 129, 5000}) {
      byte[] msg = pattern(length, 9);
      HashFunction hc = c.newHash(p);
      HashFunction hr = r.newHash(p);
      byte[] outC = new byte[hc.hashLength()];
      byte[] outR = new byte[hr.hashLength()];
      hc.update(msg, 0, length);
      hr.update(msg, 0, length);
      hc.doFinal(outC, 0);
      hr.doFinal(outR, 0);
      if (!Arrays.equals(outC, outR)) {
        return p + " results differ from pure Java at " + length + " bytes";
      }
    }
    return null;
  }
}
