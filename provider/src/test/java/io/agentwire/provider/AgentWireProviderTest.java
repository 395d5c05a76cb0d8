package io.agentwire.provider;

import static io.agentwire.provider.Agents.PROVIDER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.testsupport.ChildProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Security;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider as a JCA user sees it: registration, services, and interop with SunEC/SunJCE. */
class AgentWireProviderTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void addProviderAndLookupByName() throws Exception {
    Security.addProvider(new AgentWireProvider());
    try {
      assertEquals(
          "AgentWire", KeyAgreement.getInstance("X25519", "AgentWire").getProvider().getName());
      NoiseHandshake hs =
          NoiseHandshake.getInstance("Noise_XX_25519_ChaChaPoly_BLAKE2s", "AgentWire");
      assertEquals("AgentWire", hs.getProvider().getName());
    } finally {
      Security.removeProvider("AgentWire");
    }
  }

  @Test
  void insertProviderAtMakesItTheDefaultForNoise() throws Exception {
    assertThrows(
        NoSuchAlgorithmException.class,
        () -> NoiseHandshake.getInstance("Noise_XX_25519_ChaChaPoly_BLAKE2s"),
        "no provider installed yet");
    Security.insertProviderAt(new AgentWireProvider(), 1);
    try {
      assertEquals(
          "AgentWire",
          NoiseHandshake.getInstance("Noise_IKpsk2_448_AESGCM_SHA512").getProvider().getName());
      assertEquals("AgentWire", MessageDigest.getInstance("BLAKE2s-256").getProvider().getName());
      // The JDK's own ciphers keep working with AgentWire first in the list.
      Cipher.getInstance("AES/GCM/NoPadding");
    } finally {
      Security.removeProvider("AgentWire");
    }
  }

  @Test
  void staticRegistrationByNameThroughServiceLoaderAndAJavaSecurityFragment() throws Exception {
    Path fragment = Paths.get("..", "META-INF", "java.security").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(fragment), fragment.toString());
    try (ChildProcess p =
        ChildProcess.startMerged(
            ChildProcess.javaMain(
                System.getProperty("java.class.path"),
                StaticRegistrationProbe.class.getName(),
                "-Djava.security.properties=" + fragment))) {
      assertTrue(p.waitFor(Duration.ofSeconds(60)), "probe finished");
      String out = p.out();
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("AgentWire registered statically"), out);
    }
  }

  @Test
  void invalidNoiseNamesSayWhatIsWrong() {
    NoSuchAlgorithmException e =
        assertThrows(
            NoSuchAlgorithmException.class,
            () -> NoiseHandshake.getInstance("Noise_XX_25519_Salsa_BLAKE2s", PROVIDER));
    assertTrue(e.getMessage().contains("unknown cipher function 'Salsa'"), e.getMessage());
    assertEquals(null, PROVIDER.getService("NoiseHandshake", "Noise_QQ_25519_AESGCM_SHA256"));
    assertNotNull(PROVIDER.getService("NoiseHandshake", "Noise_X1X1_448_AESGCM_SHA256"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"X25519", "X448"})
  void keysInteroperateWithSunEcBothWays(String curve) throws Exception {
    KeyPair ours = KeyPairGenerator.getInstance(curve, PROVIDER).generateKeyPair();
    KeyPair theirs = KeyPairGenerator.getInstance(curve, "SunEC").generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance(curve, PROVIDER);
    ka.init(theirs.getPrivate());
    ka.doPhase(ours.getPublic(), true);
    byte[] a = ka.generateSecret();
    KeyAgreement sun = KeyAgreement.getInstance(curve, "SunEC");
    sun.init(ours.getPrivate());
    sun.doPhase(theirs.getPublic(), true);
    assertArrayEquals(sun.generateSecret(), a);

    KeyFactory ourFactory = KeyFactory.getInstance(curve, PROVIDER);
    KeyFactory sunFactory = KeyFactory.getInstance(curve, "SunEC");
    XECPublicKey viaSun =
        (XECPublicKey)
            sunFactory.generatePublic(new X509EncodedKeySpec(ours.getPublic().getEncoded()));
    assertEquals(((XECPublicKey) ours.getPublic()).getU(), viaSun.getU());
    XECPublicKey theirsViaUs =
        (XECPublicKey)
            ourFactory.generatePublic(new X509EncodedKeySpec(theirs.getPublic().getEncoded()));
    assertEquals(((XECPublicKey) theirs.getPublic()).getU(), theirsViaUs.getU());
    assertArrayEquals(theirs.getPublic().getEncoded(), theirsViaUs.getEncoded());
    XECPrivateKey privViaSun =
        (XECPrivateKey)
            sunFactory.generatePrivate(new PKCS8EncodedKeySpec(ours.getPrivate().getEncoded()));
    assertArrayEquals(
        ((XECPrivateKey) ours.getPrivate()).getScalar().orElseThrow(),
        privViaSun.getScalar().orElseThrow());
    XECPrivateKey privViaUs =
        (XECPrivateKey)
            ourFactory.generatePrivate(new PKCS8EncodedKeySpec(theirs.getPrivate().getEncoded()));
    assertArrayEquals(
        ((XECPrivateKey) theirs.getPrivate()).getScalar().orElseThrow(),
        privViaUs.getScalar().orElseThrow());
    assertEquals(ours.getPublic(), ourFactory.translateKey(viaSun));
  }

  @Test
  void keysCompareHashAndSerializeLikeTheJdksOwn() throws Exception {
    KeyPair sun = KeyPairGenerator.getInstance("X25519", "SunEC").generateKeyPair();
    KeyFactory kf = KeyFactory.getInstance("X25519", PROVIDER);
    var ourPub = kf.translateKey(sun.getPublic());
    var ourPriv = kf.translateKey(sun.getPrivate());
    assertEquals(ourPub, sun.getPublic());
    assertEquals(sun.getPublic(), ourPub);
    assertEquals(sun.getPublic().hashCode(), ourPub.hashCode());
    assertEquals(ourPriv, sun.getPrivate());
    assertEquals(sun.getPrivate(), ourPriv);
    assertEquals(ourPriv, kf.translateKey(sun.getPrivate()));
    for (java.security.Key key : new java.security.Key[] {ourPub, ourPriv}) {
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(key);
      }
      try (var in =
          new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(key, in.readObject(), "a key survives serialization (as KeyRep)");
      }
    }
  }

  @Test
  void rawXdhOutputIsNotHandedOutAsACipherKey() throws Exception {
    KeyPair a = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    KeyAgreement ka = KeyAgreement.getInstance("X25519", PROVIDER);
    ka.init(a.getPrivate());
    ka.doPhase(a.getPublic(), true);
    assertThrows(NoSuchAlgorithmException.class, () -> ka.generateSecret("AES"));
    ka.doPhase(a.getPublic(), true);
    assertEquals(32, ka.generateSecret("TlsPremasterSecret").getEncoded().length);
  }

  @Test
  void rfc7748AgreementAndSmallOrderRefusal() throws Exception {
    // RFC 7748 section 6.1.
    KeyFactory kf = KeyFactory.getInstance("X25519", PROVIDER);
    byte[] alicePriv =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPubLe =
        HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    var priv =
        kf.generatePrivate(
            new java.security.spec.XECPrivateKeySpec(NamedParameterSpec.X25519, alicePriv));
    var pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, le(bobPubLe)));
    KeyAgreement ka = KeyAgreement.getInstance("X25519", PROVIDER);
    ka.init(priv);
    ka.doPhase(pub, true);
    assertEquals(
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
        HEX.formatHex(ka.generateSecret()));
    var zero = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.ZERO));
    ka.init(priv);
    InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> ka.doPhase(zero, true));
    assertTrue(e.getMessage().contains("small order"));
  }

  private static BigInteger le(byte[] raw) {
    byte[] be = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      be[i] = raw[raw.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  @Test
  void malformedEncodingsAreRefusedWithATypedException() throws Exception {
    KeyFactory kf = KeyFactory.getInstance("X25519", PROVIDER);
    byte[] good =
        KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair().getPublic().getEncoded();
    for (int cut = 0; cut < good.length; cut++) {
      byte[] bad = java.util.Arrays.copyOf(good, cut);
      assertThrows(
          InvalidKeySpecException.class, () -> kf.generatePublic(new X509EncodedKeySpec(bad)));
    }
    byte[] x448 =
        KeyPairGenerator.getInstance("X448", PROVIDER).generateKeyPair().getPublic().getEncoded();
    assertThrows(
        InvalidKeySpecException.class, () -> kf.generatePublic(new X509EncodedKeySpec(x448)));
    assertThrows(
        InvalidKeySpecException.class,
        () -> kf.generatePrivate(new PKCS8EncodedKeySpec(new byte[] {0x30, 0})));
  }

  @Test
  void blake2MatchesRfc7693() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
        HEX.formatHex(MessageDigest.getInstance("BLAKE2s-256", PROVIDER).digest(abc)));
    assertEquals(
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
        HEX.formatHex(MessageDigest.getInstance("BLAKE2b-512", PROVIDER).digest(abc)));
  }

  @Test
  void blake2DigestsCloneMidStream() throws Exception {
    for (String alg : new String[] {"BLAKE2s-256", "BLAKE2b-512"}) {
      MessageDigest md = MessageDigest.getInstance(alg, PROVIDER);
      md.update("ab".getBytes(StandardCharsets.US_ASCII));
      MessageDigest copy = (MessageDigest) md.clone();
      md.update((byte) 'c');
      copy.update(new byte[300]); // past the size at which BLAKE2b may switch implementation
      byte[] expected =
          MessageDigest.getInstance(alg, PROVIDER)
              .digest("abc".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(expected, md.digest(), alg);
      byte[] ab300 = new byte[302];
      ab300[0] = 'a';
      ab300[1] = 'b';
      assertArrayEquals(MessageDigest.getInstance(alg, PROVIDER).digest(ab300), copy.digest(), alg);
    }
  }

  @Test
  void chaCha20Poly1305MatchesSunJceAndRefusesForgeriesAndNonceReuse() throws Exception {
    byte[] key = new byte[32];
    key[0] = 1;
    byte[] nonce = new byte[12];
    nonce[11] = 9;
    byte[] aad = {1, 2, 3};
    byte[] pt = "attack at dawn".getBytes(StandardCharsets.US_ASCII);
    Cipher ours = Cipher.getInstance("ChaCha20-Poly1305", PROVIDER);
    ours.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    ours.updateAAD(aad);
    byte[] head = ours.update(pt, 0, 5);
    byte[] tail = ours.doFinal(pt, 5, pt.length - 5);
    byte[] ct = new byte[head.length + tail.length];
    System.arraycopy(head, 0, ct, 0, head.length);
    System.arraycopy(tail, 0, ct, head.length, tail.length);
    Cipher sun = Cipher.getInstance("ChaCha20-Poly1305", "SunJCE");
    sun.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    sun.updateAAD(aad);
    assertArrayEquals(sun.doFinal(pt), ct);

    assertThrows(
        IllegalStateException.class, () -> ours.doFinal(pt), "re-init needed after encrypt");
    assertThrows(
        InvalidKeyException.class,
        () ->
            ours.init(
                Cipher.ENCRYPT_MODE,
                new SecretKeySpec(key, "ChaCha20"),
                new IvParameterSpec(nonce)));

    ours.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    ours.updateAAD(aad);
    assertArrayEquals(pt, ours.doFinal(ct));
    ct[3] ^= 1;
    ours.updateAAD(aad);
    assertThrows(AEADBadTagException.class, () -> ours.doFinal(ct));
    assertThrows(
        java.security.InvalidAlgorithmParameterException.class,
        () ->
            ours.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(key, "ChaCha20"),
                new IvParameterSpec(new byte[8])));
  }

  @Test
  void healthReportNamesABackendForEveryPrimitive() {
    var report = AgentWireProvider.backends();
    assertEquals(io.agentwire.provider.backend.Primitive.values().length, report.size());
    assertFalse(report.containsValue(null));
  }

  /** Run in a child JVM: AgentWire must be present without any code registering it. */
  public static final class StaticRegistrationProbe {
    public static void main(String[] args) throws IOException {
      if (Security.getProvider("AgentWire") == null) {
        System.out.println("AgentWire missing");
        System.exit(3);
      }
      System.out.println(
          "AgentWire registered statically at position "
              + java.util.Arrays.asList(Security.getProviders())
                  .indexOf(Security.getProvider("AgentWire")));
    }
  }
}
