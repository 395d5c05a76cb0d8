package io.agentwire.nativeaccel;

import io.agentwire.provider.backend.Primitive;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Known-answer tests run once, before a primitive is offered: RFC 7748 for X25519, RFC 8032 for
 * Ed25519, RFC 8439 for ChaCha20-Poly1305, RFC 7693 for BLAKE2b, and for AES-256-GCM (no RFC
 * vector) the JDK's own answer. Each also checks that a forgery is refused.
 */
final class SelfTest {

  private static final HexFormat HEX = HexFormat.of();

  private SelfTest() {}

  static void run(Set<Primitive> verified, List<String> failures) {
    check(Primitive.X25519, SelfTest::x25519, verified, failures);
    check(Primitive.ED25519, SelfTest::ed25519, verified, failures);
    check(Primitive.CHACHA20_POLY1305, SelfTest::chacha, verified, failures);
    if (Sodium.crypto_aead_aes256gcm_is_available() == 1) {
      check(Primitive.AES_256_GCM, SelfTest::aesGcm, verified, failures);
    } else {
      failures.add("AES_256_GCM: this CPU lacks the AES-NI/CLMUL instructions libsodium needs");
    }
    check(Primitive.BLAKE2B, SelfTest::blake2b, verified, failures);
    check(Primitive.RANDOM, SelfTest::random, verified, failures);
  }

  private interface Test {
    boolean passes() throws Exception;
  }

  private static void check(
      Primitive p, Test test, Set<Primitive> verified, List<String> failures) {
    try {
      if (test.passes()) {
        verified.add(p);
      } else {
        failures.add(p + ": known-answer test gave a wrong result");
      }
    } catch (Exception | LinkageError e) {
      failures.add(p + ": self-test failed: " + e);
    }
  }

  /** RFC 8032 §7.1 TEST 1 (the empty message), and a flipped bit refused. */
  private static boolean ed25519() {
    byte[] seed = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pub = new byte[32];
    SodiumEd25519.INSTANCE.publicKey(seed, pub);
    byte[] sig = new byte[64];
    SodiumEd25519.INSTANCE.sign(seed, new byte[0], 0, 0, sig);
    boolean good = SodiumEd25519.INSTANCE.verify(pub, new byte[0], 0, 0, sig);
    byte[] forged = sig.clone();
    forged[63] ^= 0x10;
    boolean forgedRefused = !SodiumEd25519.INSTANCE.verify(pub, new byte[0], 0, 0, forged);
    return HEX.formatHex(pub)
            .equals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        && HEX.formatHex(sig)
            .equals(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
                    + "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        && good
        && forgedRefused;
  }

  private static boolean x25519() throws Exception {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPub =
        HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    byte[] pub = new byte[32];
    SodiumX25519.INSTANCE.publicKey(alice, pub);
    byte[] shared = new byte[32];
    SodiumX25519.INSTANCE.agree(alice, bobPub, shared);
    boolean smallOrderRefused = false;
    try {
      SodiumX25519.INSTANCE.agree(alice, new byte[32], new byte[32]);
    } catch (java.security.InvalidKeyException e) {
      smallOrderRefused = true;
    }
    return HEX.formatHex(pub)
            .equals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        && HEX.formatHex(shared)
            .equals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        && smallOrderRefused;
  }

  private static boolean chacha() throws Exception {
    // RFC 8439 section 2.8.2.
    byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    byte[] nonce = HEX.parseHex("070000004041424344454647");
    byte[] ad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] pt =
        ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                + " future, sunscreen would be it.")
            .getBytes(StandardCharsets.US_ASCII);
    String expected =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69"
            + "da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67"
            + "5945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691";
    return aeadAnswers(SodiumAead.Algorithm.CHACHA20_POLY1305, key, nonce, ad, pt, expected);
  }

  private static boolean aesGcm() throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x42);
    byte[] nonce = HEX.parseHex("000102030405060708090a0b");
    byte[] ad = "agentwire".getBytes(StandardCharsets.US_ASCII);
    byte[] pt = new byte[100];
    Arrays.fill(pt, (byte) 7);
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    jdk.updateAAD(ad);
    String expected = HEX.formatHex(jdk.doFinal(pt));
    return aeadAnswers(SodiumAead.Algorithm.AES_256_GCM, key, nonce, ad, pt, expected);
  }

  private static boolean aeadAnswers(
      SodiumAead.Algorithm algorithm, byte[] key, byte[] nonce, byte[] ad, byte[] pt, String ct)
      throws Exception {
    SodiumAead aead = new SodiumAead(algorithm);
    aead.setKey(key);
    byte[] out = new byte[pt.length + 16];
    aead.seal(nonce, ad, 0, ad.length, pt, 0, pt.length, out, 0);
    byte[] back = new byte[pt.length];
    aead.open(nonce, ad, 0, ad.length, out, 0, out.length, back, 0);
    out[0] ^= 1;
    boolean forgeryRefused = false;
    try {
      aead.open(nonce, ad, 0, ad.length, out, 0, out.length, back, 0);
    } catch (javax.crypto.AEADBadTagException e) {
      forgeryRefused = true;
    }
    out[0] ^= 1;
    aead.destroy();
    return HEX.formatHex(out).equals(ct) && Arrays.equals(back, pt) && forgeryRefused;
  }

  private static boolean blake2b() {
    SodiumBlake2b h = new SodiumBlake2b();
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    h.update(abc, 0, 3);
    byte[] out = new byte[64];
    h.doFinal(out, 0);
    return HEX.formatHex(out)
        .equals(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  }

  private static boolean random() {
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    SodiumBackend.fillRandom(a);
    SodiumBackend.fillRandom(b);
    return !Arrays.equals(a, b) && !MessageDigest.isEqual(a, new byte[32]);
  }
}
