package io.agentwire.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import io.agentwire.provider.backend.internal.PureJavaBackend;
import io.agentwire.testsupport.Bytes;
import io.agentwire.testsupport.XecKeys;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * libsodium and the pure-Java backend are interchangeable: for random inputs they give identical
 * bytes and refuse exactly the same forgeries and points.
 */
class ParityProperties {

  private static final CryptoBackend JAVA = PureJavaBackend.INSTANCE;
  private static final SodiumBackend NATIVE = new SodiumBackend();

  @BeforeProperty
  void needsLibsodium() {
    NativeAvailable.check();
  }

  @Provide
  Arbitrary<Primitive> aeads() {
    return Arbitraries.of(Primitive.CHACHA20_POLY1305, Primitive.AES_256_GCM);
  }

  @Provide
  Arbitrary<byte[]> messages() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
        Arbitraries.bytes().array(byte[].class).ofMinSize(300).ofMaxSize(70000));
  }

  @Property(tries = 400)
  void aeadsSealAndOpenIdentically(
      @ForAll("aeads") Primitive p,
      @ForAll @Size(32) byte[] key,
      @ForAll @Size(12) byte[] nonce,
      @ForAll @Size(max = 100) byte[] ad,
      @ForAll("messages") byte[] msg,
      @ForAll @IntRange(min = 0, max = 1_000_000) int flip)
      throws GeneralSecurityException {
    AeadCipher n = NATIVE.newAead(p);
    AeadCipher j = JAVA.newAead(p);
    n.setKey(key);
    j.setKey(key);
    byte[] cn = new byte[msg.length + 16];
    byte[] cj = new byte[msg.length + 16];
    n.seal(nonce, ad, 0, ad.length, msg, 0, msg.length, cn, 0);
    j.seal(nonce, ad, 0, ad.length, msg, 0, msg.length, cj, 0);
    assertEquals(HexFormat.of().formatHex(cj), HexFormat.of().formatHex(cn));
    byte[] back = new byte[msg.length];
    n.open(nonce, ad, 0, ad.length, cj, 0, cj.length, back, 0);
    assertArrayEquals(msg, back);
    byte[] forged = cj.clone();
    int bit = flip % (8 * forged.length);
    forged[bit / 8] ^= (byte) (1 << (bit % 8));
    assertEquals(outcome(j, nonce, ad, forged), outcome(n, nonce, ad, forged));
    n.destroy();
    j.destroy();
  }

  private static String outcome(AeadCipher a, byte[] nonce, byte[] ad, byte[] ct) {
    try {
      byte[] out = new byte[ct.length];
      int len = a.open(nonce, ad, 0, ad.length, ct, 0, ct.length, out, 0);
      return "accepted " + HexFormat.of().formatHex(out, 0, len);
    } catch (GeneralSecurityException e) {
      return "rejected " + e.getClass().getSimpleName();
    }
  }

  /**
   * Ed25519 is deterministic: both backends derive the same public key and signature from any seed
   * and message, and agree on every single-bit forgery of the signature, the message or the key.
   */
  @Property(tries = 300)
  void ed25519SignsIdenticallyAndRefusesTheSameForgeries(
      @ForAll @Size(32) byte[] seed,
      @ForAll("messages") byte[] msg,
      @ForAll @IntRange(min = 0, max = 2) int target,
      @ForAll @IntRange(min = 0, max = 1_000_000) int flip) {
    SignatureFunction n = NATIVE.signature(Primitive.ED25519);
    SignatureFunction j = JAVA.signature(Primitive.ED25519);
    byte[] pn = new byte[32];
    byte[] pj = new byte[32];
    n.publicKey(seed, pn);
    j.publicKey(seed, pj);
    assertArrayEquals(pj, pn);
    byte[] sn = new byte[64];
    byte[] sj = new byte[64];
    n.sign(seed, msg, 0, msg.length, sn);
    j.sign(seed, msg, 0, msg.length, sj);
    assertEquals(HexFormat.of().formatHex(sj), HexFormat.of().formatHex(sn));
    assertTrue(n.verify(pj, msg, 0, msg.length, sj));
    byte[] key = pj.clone();
    byte[] m = msg.clone();
    byte[] sig = sj.clone();
    byte[] forged = target == 0 ? sig : target == 1 ? key : m;
    if (forged.length > 0) {
      int bit = flip % (8 * forged.length);
      forged[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(j.verify(key, m, 0, m.length, sig), "pure Java accepted a forgery");
      assertFalse(n.verify(key, m, 0, m.length, sig), "libsodium accepted a forgery");
    }
  }

  @Provide
  Arbitrary<byte[]> points() {
    // Random points, and the small-order points (with and without the top bit) every X25519
    // implementation must agree on.
    List<byte[]> smallOrder = new ArrayList<>(XecKeys.X25519_SMALL_ORDER);
    smallOrder.addAll(
        Bytes.hexList(
            "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
            "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
            "d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofSize(32), Arbitraries.of(smallOrder));
  }

  @Property(tries = 300)
  void x25519AgreesOnEveryPointAndRefusesTheSameOnes(
      @ForAll @Size(32) byte[] scalar, @ForAll("points") byte[] point) {
    DhFunction n = NATIVE.dh(Primitive.X25519);
    DhFunction j = JAVA.dh(Primitive.X25519);
    byte[] pn = new byte[32];
    byte[] pj = new byte[32];
    n.publicKey(scalar, pn);
    j.publicKey(scalar, pj);
    assertArrayEquals(pj, pn);
    assertEquals(agree(j, scalar, point), agree(n, scalar, point));
  }

  private static String agree(DhFunction dh, byte[] scalar, byte[] point) {
    byte[] out = new byte[32];
    try {
      dh.agree(scalar, point, out);
      return HexFormat.of().formatHex(out);
    } catch (java.security.InvalidKeyException e) {
      return "small order";
    }
  }

  @Property(tries = 200)
  void blake2bHashesIdenticallyUnderAnyChunking(
      @ForAll("messages") byte[] msg, @ForAll @IntRange(min = 1, max = 5000) int chunk) {
    HashFunction n = NATIVE.newHash(Primitive.BLAKE2B);
    HashFunction j = JAVA.newHash(Primitive.BLAKE2B);
    for (int off = 0; off < msg.length; off += chunk) {
      int len = Math.min(chunk, msg.length - off);
      n.update(msg, off, len);
      j.update(msg, off, len);
    }
    byte[] hn = new byte[64];
    byte[] hj = new byte[64];
    HashFunction nCopy = n.copy();
    nCopy.update(msg, 0, Math.min(7, msg.length));
    n.doFinal(hn, 0);
    j.doFinal(hj, 0);
    assertArrayEquals(hj, hn);
    byte[] hc = new byte[64];
    nCopy.doFinal(hc, 0);
    j.update(msg, 0, msg.length);
    j.update(msg, 0, Math.min(7, msg.length));
    j.doFinal(hj, 0);
    assertArrayEquals(hj, hc, "a copy continues from the state it was taken at");
    // doFinal resets: a second message hashes from scratch.
    n.update(msg, 0, Math.min(10, msg.length));
    j.update(msg, 0, Math.min(10, msg.length));
    n.doFinal(hn, 0);
    j.doFinal(hj, 0);
    assertArrayEquals(hj, hn);
    assertEquals(false, Arrays.equals(new byte[64], hn));
  }
}
