package io.agentwire.provider.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/** The traps of Noise section 5.1 and 11.3, checked against the JDK's own ciphers. */
class CipherStateTest {

  private static final byte[] AD = "ad".getBytes(StandardCharsets.US_ASCII);

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return k;
  }

  private static CipherState keyed(Primitive cipher, byte[] key) throws Exception {
    CipherState cs = new CipherState(cipher);
    cs.initializeKey(key);
    return cs;
  }

  private static byte[] encrypt(CipherState cs, byte[] pt) throws Exception {
    byte[] out = new byte[pt.length + 16];
    int n = cs.encryptWithAd(AD, AD.length, pt, 0, pt.length, out, 0);
    return Arrays.copyOf(out, n);
  }

  private static byte[] decrypt(CipherState cs, byte[] ct) throws Exception {
    byte[] out = new byte[ct.length];
    int n = cs.decryptWithAd(AD, AD.length, ct, 0, ct.length, out, 0);
    return Arrays.copyOf(out, n);
  }

  /** Section 12.3 / 12.4 nonce encodings, computed independently with SunJCE. */
  private static byte[] jdkEncrypt(Primitive cipher, byte[] key, long n, byte[] ad, byte[] pt)
      throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      if (cipher == Primitive.CHACHA20_POLY1305) {
        nonce[4 + i] = (byte) (n >>> (8 * i));
      } else {
        nonce[11 - i] = (byte) (n >>> (8 * i));
      }
    }
    Cipher c;
    if (cipher == Primitive.CHACHA20_POLY1305) {
      c = Cipher.getInstance("ChaCha20-Poly1305", "SunJCE");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    } else {
      c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    }
    c.updateAAD(ad);
    return c.doFinal(pt);
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"CHACHA20_POLY1305", "AES_256_GCM"})
  void noncesCountUpAndFormatAsTheSpecSays(Primitive cipher) throws Exception {
    CipherState cs = keyed(cipher, key(7));
    byte[] pt = "hello".getBytes(StandardCharsets.US_ASCII);
    for (long n = 0; n < 3; n++) {
      assertArrayEquals(jdkEncrypt(cipher, key(7), n, AD, pt), encrypt(cs, pt));
    }
    cs.setNonce(0x0102030405060708L);
    assertArrayEquals(jdkEncrypt(cipher, key(7), 0x0102030405060708L, AD, pt), encrypt(cs, pt));
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"CHACHA20_POLY1305", "AES_256_GCM"})
  void nonceMaxIsReservedAndExhaustionIsAnError(Primitive cipher) throws Exception {
    CipherState sender = keyed(cipher, key(1));
    CipherState receiver = keyed(cipher, key(1));
    sender.setNonce(-2L); // 2^64-2, the last usable nonce
    receiver.setNonce(-2L);
    byte[] last = encrypt(sender, new byte[] {42});
    assertArrayEquals(new byte[] {42}, decrypt(receiver, last));
    assertEquals(-1L, sender.nonce());
    NoiseException e = assertThrows(NoiseException.class, () -> encrypt(sender, new byte[1]));
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
    assertEquals(NoiseException.Reason.NONCE_EXHAUSTED, e.reason());
    assertEquals(
        NoiseException.Reason.NONCE_EXHAUSTED,
        assertThrows(NoiseException.class, () -> decrypt(receiver, last)).reason());
    assertEquals(-1L, sender.nonce(), "a refused encryption does not move the nonce");
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"CHACHA20_POLY1305", "AES_256_GCM"})
  void failedDecryptDoesNotAdvanceTheNonce(Primitive cipher) throws Exception {
    CipherState sender = keyed(cipher, key(3));
    CipherState receiver = keyed(cipher, key(3));
    byte[] genuine = encrypt(sender, "payload".getBytes(StandardCharsets.US_ASCII));
    for (int bit = 0; bit < genuine.length * 8; bit++) {
      byte[] forged = genuine.clone();
      forged[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(AEADBadTagException.class, () -> decrypt(receiver, forged));
      assertEquals(0, receiver.nonce());
    }
    assertArrayEquals("payload".getBytes(StandardCharsets.US_ASCII), decrypt(receiver, genuine));
    assertEquals(1, receiver.nonce());
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"CHACHA20_POLY1305", "AES_256_GCM"})
  void rekeyIsTheFirst32BytesOfEncryptingZerosAtMaxNonce(Primitive cipher) throws Exception {
    CipherState cs = keyed(cipher, key(9));
    cs.setNonce(5);
    cs.rekey();
    assertEquals(5, cs.nonce(), "Rekey() leaves n alone");
    byte[] newKey = Arrays.copyOf(jdkEncrypt(cipher, key(9), -1L, new byte[0], new byte[32]), 32);
    byte[] pt = {1, 2, 3};
    assertArrayEquals(jdkEncrypt(cipher, newKey, 5, AD, pt), encrypt(cs, pt));
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"SHA256", "SHA512", "BLAKE2S", "BLAKE2B"})
  void emptyKeyPassesDataThroughButStillHashesIt(Primitive hash) throws Exception {
    SymmetricState a = new SymmetricState(hash, Primitive.CHACHA20_POLY1305);
    a.initialize("Noise_NN_25519_ChaChaPoly_" + hash);
    byte[] before = a.handshakeHash();
    byte[] pt = "clear".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[pt.length];
    assertFalse(a.hasKey());
    assertEquals(pt.length, a.encryptAndHash(pt, 0, pt.length, out, 0));
    assertArrayEquals(pt, out);
    SymmetricState b = new SymmetricState(hash, Primitive.CHACHA20_POLY1305);
    b.initialize("Noise_NN_25519_ChaChaPoly_" + hash);
    b.mixHash(pt, 0, pt.length);
    assertFalse(Arrays.equals(before, a.handshakeHash()), "h changed");
    assertArrayEquals(b.handshakeHash(), a.handshakeHash(), "h = HASH(h || plaintext)");
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"SHA512", "BLAKE2B"})
  void keysFrom64ByteHashesAreTruncatedTo32(Primitive hash) throws Exception {
    SymmetricState s = new SymmetricState(hash, Primitive.CHACHA20_POLY1305);
    s.initialize("Noise_NN_25519_ChaChaPoly_" + hash);
    s.mixKey(new byte[32], 0, 32);
    assertTrue(s.hasKey());
    assertEquals(64, s.hashLength());
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      mode = Mode.INCLUDE,
      names = {"CHACHA20_POLY1305", "AES_256_GCM"})
  void destroyWipesTheKey(Primitive cipher) throws Exception {
    CipherState cs = keyed(cipher, key(5));
    cs.destroy();
    assertFalse(cs.hasKey());
    assertThrows(
        IllegalStateException.class,
        () -> cs.encrypt(0, AD, 0, new byte[1], 0, 1, new byte[17], 0));
  }
}
