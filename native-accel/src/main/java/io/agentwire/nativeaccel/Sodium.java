package io.agentwire.nativeaccel;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * JNA direct mapping of the libsodium functions AgentWire uses. Pointers are passed as raw {@code
 * long} addresses into native memory the caller owns, so a call allocates nothing and copies
 * nothing beyond what the caller does itself. Bound once by {@link SodiumLibrary}; never touched
 * before that succeeds.
 */
final class Sodium {

  private Sodium() {}

  static void bind(NativeLibrary library) {
    Native.register(Sodium.class, library);
  }

  static native int sodium_init();

  static native String sodium_version_string();

  static native int sodium_library_version_major();

  static native int sodium_library_version_minor();

  static native void randombytes_buf(long buf, long size);

  static native void sodium_memzero(long pnt, long len);

  static native int sodium_memcmp(long b1, long b2, long len);

  // X25519 (RFC 7748). crypto_scalarmult returns -1 when the result is all zeros.
  static native int crypto_scalarmult(long q, long n, long p);

  static native int crypto_scalarmult_base(long q, long n);

  // Ed25519 (RFC 8032): sk is the 64-byte seed || public key; siglenP may be 0 (NULL).
  static native int crypto_sign_seed_keypair(long pk, long sk, long seed);

  static native int crypto_sign_detached(long sig, long siglenP, long m, long mlen, long sk);

  static native int crypto_sign_verify_detached(long sig, long m, long mlen, long pk);

  // ChaCha20-Poly1305 IETF (RFC 8439), combined and detached.
  static native int crypto_aead_chacha20poly1305_ietf_encrypt(
      long c, long clenP, long m, long mlen, long ad, long adlen, long nsec, long npub, long k);

  static native int crypto_aead_chacha20poly1305_ietf_decrypt(
      long m, long mlenP, long nsec, long c, long clen, long ad, long adlen, long npub, long k);

  static native int crypto_aead_chacha20poly1305_ietf_encrypt_detached(
      long c,
      long mac,
      long maclenP,
      long m,
      long mlen,
      long ad,
      long adlen,
      long nsec,
      long npub,
      long k);

  static native int crypto_aead_chacha20poly1305_ietf_decrypt_detached(
      long m, long nsec, long c, long clen, long mac, long ad, long adlen, long npub, long k);

  // XChaCha20-Poly1305 IETF (24-byte nonce).
  static native int crypto_aead_xchacha20poly1305_ietf_encrypt(
      long c, long clenP, long m, long mlen, long ad, long adlen, long nsec, long npub, long k);

  static native int crypto_aead_xchacha20poly1305_ietf_decrypt(
      long m, long mlenP, long nsec, long c, long clen, long ad, long adlen, long npub, long k);

  // AES-256-GCM, only where the CPU has AES-NI and CLMUL.
  static native int crypto_aead_aes256gcm_is_available();

  static native int crypto_aead_aes256gcm_encrypt(
      long c, long clenP, long m, long mlen, long ad, long adlen, long nsec, long npub, long k);

  static native int crypto_aead_aes256gcm_decrypt(
      long m, long mlenP, long nsec, long c, long clen, long ad, long adlen, long npub, long k);

  // BLAKE2b (RFC 7693).
  static native long crypto_generichash_statebytes();

  static native int crypto_generichash(
      long out, long outlen, long in, long inlen, long key, long keylen);

  static native int crypto_generichash_init(long state, long key, long keylen, long outlen);

  static native int crypto_generichash_update(long state, long in, long inlen);

  static native int crypto_generichash_final(long state, long out, long outlen);
}
