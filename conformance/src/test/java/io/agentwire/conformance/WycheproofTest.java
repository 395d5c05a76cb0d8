package io.agentwire.conformance;

import static io.agentwire.conformance.VectorJson.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.AssertionFailedError;

/**
 * Runs the Wycheproof vectors in {@code ../shared/vectors/wycheproof} through AgentWire, one
 * dynamic test per case. A {@code valid} case must give exactly the expected bytes; an {@code
 * invalid} case must be rejected with an exception; an {@code acceptable} case may be rejected, but
 * if it yields a result, the result must be the expected one.
 *
 * <p>Covered: X25519 and X448 through the provider's KeyFactory and KeyAgreement (raw keys and, for
 * X25519, PEM keys through X.509 and PKCS#8), ChaCha20-Poly1305 through the provider's Cipher and
 * through the backend {@link AeadCipher}, and AES-256-GCM with a 96-bit nonce through the backend
 * {@link AeadCipher} (the provider registers no AES Cipher). A one-line summary per file is printed
 * at the end; every case that is deliberately not run is listed there with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WycheproofTest {

  private static final Provider PROVIDER = new AgentWireProvider();

  private static final String NOISE_AESGCM_ONLY =
      "Noise AESGCM is AES-256 with a 96-bit nonce and 128-bit tag only";
  private static final String AEAD_96_BIT_NONCE_ONLY =
      "the backend AeadCipher interface takes a 96-bit nonce only";

  /** Summaries, printed in this order. */
  private static final List<String> ORDER = new ArrayList<>();

  private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------- X25519 and X448

  @TestFactory
  @Order(1)
  Stream<DynamicTest> x25519() {
    return xdh("x25519_test", "X25519", false);
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> x25519Pem() {
    return xdh("x25519_pem_test", "X25519", true);
  }

  @TestFactory
  @Order(3)
  Stream<DynamicTest> x448() {
    return xdh("x448_test", "X448", false);
  }

  private Stream<DynamicTest> xdh(String file, String curve, boolean pem) {
    JsonNode root = VectorJson.load("wycheproof/" + file + ".json");
    Tally tally = tally(file, root);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      for (JsonNode tc : group.get("tests")) {
        tests.add(
            DynamicTest.dynamicTest(
                name(tc),
                () -> {
                  byte[] expected = hex(tc.get("shared"));
                  Outcome o = attempt(() -> pem ? agreePem(curve, tc) : agreeRaw(curve, tc));
                  judge(tally, tc, o, expected, "shared secret");
                }));
      }
    }
    return tests.stream();
  }

  /** Raw keys: the private scalar as given, the public key as its little-endian u coordinate. */
  private static byte[] agreeRaw(String curve, JsonNode tc) throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance(curve, PROVIDER);
    NamedParameterSpec params = new NamedParameterSpec(curve);
    PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(params, hex(tc.get("private"))));
    // For X448 a public key of the wrong length (Wycheproof "PublicKeyTooLong", 57 bytes) decodes
    // to a u of 449 bits, which the provider's KeyFactory must refuse: the rejection asserted by
    // judge() for those invalid cases comes from the provider, not from this test.
    byte[] raw = hex(tc.get("public"));
    PublicKey pub =
        kf.generatePublic(new XECPublicKeySpec(params, decodeU(raw, curve.equals("X25519"))));
    return agree(curve, priv, pub);
  }

  /** PEM keys: SubjectPublicKeyInfo and PKCS#8 (RFC 8410) through the provider's KeyFactory. */
  private static byte[] agreePem(String curve, JsonNode tc) throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance(curve, PROVIDER);
    PrivateKey priv =
        kf.generatePrivate(new PKCS8EncodedKeySpec(pem(tc.get("private").asText(), "PRIVATE")));
    PublicKey pub =
        kf.generatePublic(new X509EncodedKeySpec(pem(tc.get("public").asText(), "PUBLIC")));
    return agree(curve, priv, pub);
  }

  private static byte[] agree(String curve, PrivateKey priv, PublicKey pub)
      throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance(curve, PROVIDER);
    assertEquals(AgentWireProvider.NAME, ka.getProvider().getName());
    ka.init(priv);
    ka.doPhase(pub, true);
    return ka.generateSecret();
  }

  /** RFC 7748 decodeUCoordinate: little-endian; for X25519 the top bit is masked. */
  static BigInteger decodeU(byte[] raw, boolean maskTopBit) {
    byte[] be = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      be[i] = raw[raw.length - 1 - i];
    }
    if (maskTopBit && be.length > 0) {
      be[0] &= 0x7f;
    }
    return new BigInteger(1, be);
  }

  static byte[] pem(String text, String kind) {
    String[] lines = text.strip().split("\r?\n");
    assertEquals("-----BEGIN " + kind + " KEY-----", lines[0], "PEM header");
    assertEquals("-----END " + kind + " KEY-----", lines[lines.length - 1], "PEM footer");
    String body =
        Arrays.stream(lines, 1, lines.length - 1).map(String::strip).collect(Collectors.joining());
    return Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
  }

  // ---------------------------------------------------------------- ChaCha20-Poly1305

  /** Through {@code Cipher.getInstance("ChaCha20-Poly1305", provider)}: every case. */
  @TestFactory
  @Order(4)
  Stream<DynamicTest> chacha20Poly1305Cipher() {
    JsonNode root = VectorJson.load("wycheproof/chacha20_poly1305_test.json");
    Tally tally = tally("chacha20_poly1305_test (Cipher ChaCha20-Poly1305)", root);
    Aead cipher = new ProviderChaCha();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      for (JsonNode tc : group.get("tests")) {
        tests.add(
            DynamicTest.dynamicTest(
                name(tc) + " iv " + group.get("ivSize").asInt() + " bits",
                () -> {
                  if (hasFlag(tc, "InvalidNonceSize")) {
                    invalidNonceAtInit(tally, tc);
                  } else {
                    aeadCase(tally, tc, cipher);
                  }
                }));
      }
    }
    return tests.stream();
  }

  /** Through the backend AeadCipher that Noise's ChaChaPoly uses: 96-bit nonces only. */
  @TestFactory
  @Order(5)
  Stream<DynamicTest> chacha20Poly1305Backend() {
    return backendAead(
        "chacha20_poly1305_test",
        Primitive.CHACHA20_POLY1305,
        group -> group.get("ivSize").asInt() == 96,
        AEAD_96_BIT_NONCE_ONLY);
  }

  /** A nonce that is not 96 bits must be refused when the Cipher is initialized, in both modes. */
  private static void invalidNonceAtInit(Tally tally, JsonNode tc) throws GeneralSecurityException {
    assertEquals("invalid", tc.get("result").asText(), "InvalidNonceSize cases are invalid");
    SecretKeySpec key = new SecretKeySpec(hex(tc.get("key")), "ChaCha20");
    IvParameterSpec iv = new IvParameterSpec(hex(tc.get("iv")));
    for (int mode : new int[] {Cipher.ENCRYPT_MODE, Cipher.DECRYPT_MODE}) {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305", PROVIDER);
      try {
        c.init(mode, key, iv);
      } catch (InvalidAlgorithmParameterException expected) {
        continue;
      }
      tally.invalidAccepted.incrementAndGet();
      fail(
          "tcId "
              + tcId(tc)
              + ": a "
              + iv.getIV().length
              + "-byte nonce was accepted at init in mode "
              + mode);
    }
    tally.invalidRejections.add("InvalidAlgorithmParameterException at init");
    tally.invalidRejected.incrementAndGet();
  }

  // ---------------------------------------------------------------- AES-GCM

  /** AES-256-GCM, 96-bit nonce, 128-bit tag (Noise's AESGCM) through the backend AeadCipher. */
  @TestFactory
  @Order(6)
  Stream<DynamicTest> aesGcmBackend() {
    return backendAead(
        "aes_gcm_test",
        Primitive.AES_256_GCM,
        group ->
            group.get("keySize").asInt() == 256
                && group.get("ivSize").asInt() == 96
                && group.get("tagSize").asInt() == 128,
        NOISE_AESGCM_ONLY);
  }

  private Stream<DynamicTest> backendAead(
      String file, Primitive primitive, Predicate<JsonNode> supported, String unsupportedReason) {
    JsonNode root = VectorJson.load("wycheproof/" + file + ".json");
    Tally tally =
        tally(
            file
                + " (backend AeadCipher "
                + primitive
                + ": "
                + Backends.routing(primitive).describe()
                + ")",
            root);
    Aead aead = new BackendAead(primitive);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : root.get("testGroups")) {
      boolean runs = supported.test(group);
      for (JsonNode tc : group.get("tests")) {
        if (!runs) {
          tally.unsupported(unsupportedReason, group, tc);
          continue;
        }
        tests.add(DynamicTest.dynamicTest(name(tc), () -> aeadCase(tally, tc, aead)));
      }
    }
    return tests.stream();
  }

  // ---------------------------------------------------------------- AEAD judging

  /**
   * Encrypts msg and decrypts ct||tag. Valid: both must give exactly the vector's bytes. Invalid:
   * decryption must fail with AEADBadTagException, and encryption must not reproduce ct||tag.
   * Acceptable (none in these files): any produced plaintext must be msg.
   */
  private static void aeadCase(Tally tally, JsonNode tc, Aead aead) {
    byte[] key = hex(tc.get("key"));
    byte[] iv = hex(tc.get("iv"));
    byte[] aad = hex(tc.get("aad"));
    byte[] msg = hex(tc.get("msg"));
    byte[] ctTag = concat(hex(tc.get("ct")), hex(tc.get("tag")));
    String result = tc.get("result").asText();
    int id = tcId(tc);

    Outcome enc = attempt(() -> aead.seal(key, iv, aad, msg));
    Outcome dec = attempt(() -> aead.open(key, iv, aad, ctTag));
    switch (result) {
      case "valid":
        if (enc.error() != null) {
          fail("tcId " + id + ": valid encryption refused", enc.error());
        }
        if (dec.error() != null) {
          fail("tcId " + id + ": valid decryption refused", dec.error());
        }
        assertEquals(hex(ctTag), hex(enc.value()), "tcId " + id + ": ct||tag");
        assertEquals(hex(msg), hex(dec.value()), "tcId " + id + ": plaintext");
        tally.validPassed.incrementAndGet();
        break;
      case "invalid":
        if (dec.error() == null) {
          tally.invalidAccepted.incrementAndGet();
          fail("tcId " + id + ": invalid ciphertext decrypted to " + hex(dec.value()));
        }
        assertTrue(
            dec.error() instanceof AEADBadTagException,
            "tcId " + id + ": expected AEADBadTagException, got " + dec.error());
        if (enc.error() == null) {
          assertFalse(
              Arrays.equals(ctTag, enc.value()),
              "tcId " + id + ": encryption reproduced the invalid ct||tag");
        }
        tally.invalidRejections.add(dec.error().getClass().getSimpleName());
        tally.invalidRejected.incrementAndGet();
        break;
      case "acceptable":
        if (dec.error() == null) {
          assertEquals(hex(msg), hex(dec.value()), "tcId " + id + ": plaintext");
          tally.acceptableAccepted.incrementAndGet();
        } else {
          tally.acceptableRejected(tc, false, dec.error());
        }
        break;
      default:
        fail("tcId " + id + ": unknown result " + result);
    }
  }

  private interface Aead {
    byte[] seal(byte[] key, byte[] iv, byte[] aad, byte[] msg) throws GeneralSecurityException;

    byte[] open(byte[] key, byte[] iv, byte[] aad, byte[] ctTag) throws GeneralSecurityException;
  }

  /** The provider's Cipher; a new instance per operation (it refuses key and nonce reuse). */
  private static final class ProviderChaCha implements Aead {
    private static Cipher cipher(int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305", PROVIDER);
      assertEquals(AgentWireProvider.NAME, c.getProvider().getName());
      c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
      return c;
    }

    @Override
    public byte[] seal(byte[] key, byte[] iv, byte[] aad, byte[] msg)
        throws GeneralSecurityException {
      Cipher c = cipher(Cipher.ENCRYPT_MODE, key, iv);
      c.updateAAD(aad);
      return c.doFinal(msg);
    }

    @Override
    public byte[] open(byte[] key, byte[] iv, byte[] aad, byte[] ctTag)
        throws GeneralSecurityException {
      Cipher c = cipher(Cipher.DECRYPT_MODE, key, iv);
      c.updateAAD(aad);
      return c.doFinal(ctTag);
    }
  }

  /** The backend AeadCipher: 32-byte key, 12-byte nonce, tag appended. */
  private static final class BackendAead implements Aead {
    private static final byte SENTINEL = (byte) 0xa5;
    private final Primitive primitive;

    /** The AEAD exactly as the Noise engine gets it: whatever backend (or size split) serves it. */
    BackendAead(Primitive primitive) {
      this.primitive = primitive;
    }

    @Override
    public byte[] seal(byte[] key, byte[] iv, byte[] aad, byte[] msg)
        throws GeneralSecurityException {
      AeadCipher a = Backends.newAead(primitive);
      try {
        a.setKey(key);
        byte[] out = new byte[msg.length + AeadCipher.TAG_LENGTH];
        int n = a.seal(iv, aad, 0, aad.length, msg, 0, msg.length, out, 0);
        assertEquals(out.length, n, "seal writes the ciphertext and the tag");
        return out;
      } finally {
        a.destroy();
      }
    }

    @Override
    public byte[] open(byte[] key, byte[] iv, byte[] aad, byte[] ctTag)
        throws GeneralSecurityException {
      AeadCipher a = Backends.newAead(primitive);
      byte[] out = new byte[Math.max(0, ctTag.length - AeadCipher.TAG_LENGTH)];
      Arrays.fill(out, SENTINEL);
      try {
        a.setKey(key);
        int n = a.open(iv, aad, 0, aad.length, ctTag, 0, ctTag.length, out, 0);
        assertEquals(out.length, n, "open writes the plaintext");
        return out;
      } catch (AEADBadTagException e) {
        // No unverified plaintext may be released. A separate output may be left alone or zeroed
        // (SunJCE's AES-GCM zeroes it from JDK 25 on); an in-place input must survive intact,
        // which InPlaceAeadTest checks.
        byte[] untouched = new byte[out.length];
        Arrays.fill(untouched, SENTINEL);
        if (!Arrays.equals(untouched, out)) {
          assertArrayEquals(
              new byte[out.length], out, "a failed open leaves its output untouched or zeroed");
        }
        throw e;
      } finally {
        a.destroy();
      }
    }
  }

  // ---------------------------------------------------------------- judging and tallies

  private record Outcome(byte[] value, GeneralSecurityException error) {}

  private interface Operation {
    byte[] run() throws GeneralSecurityException;
  }

  /** Runs op; a checked GeneralSecurityException is a rejection, anything else a test failure. */
  private static Outcome attempt(Operation op) {
    try {
      byte[] v = op.run();
      assertTrue(v != null, "an operation that does not throw returns a result");
      return new Outcome(v, null);
    } catch (GeneralSecurityException e) {
      return new Outcome(null, e);
    }
  }

  private static void judge(Tally tally, JsonNode tc, Outcome o, byte[] expected, String what) {
    String result = tc.get("result").asText();
    int id = tcId(tc);
    switch (result) {
      case "valid":
        if (o.error() != null) {
          fail("tcId " + id + ": valid case rejected", o.error());
        }
        assertEquals(hex(expected), hex(o.value()), "tcId " + id + ": " + what);
        tally.validPassed.incrementAndGet();
        break;
      case "invalid":
        if (o.error() == null) {
          tally.invalidAccepted.incrementAndGet();
          fail("tcId " + id + ": invalid case accepted, " + what + " " + hex(o.value()));
        }
        tally.invalidRejections.add(o.error().getClass().getSimpleName());
        tally.invalidRejected.incrementAndGet();
        break;
      case "acceptable":
        if (o.error() == null) {
          if (!Arrays.equals(expected, o.value())) {
            tally.wrong.add(id);
          }
          assertEquals(hex(expected), hex(o.value()), "tcId " + id + ": acceptable case " + what);
          tally.acceptableAccepted.incrementAndGet();
        } else {
          tally.acceptableRejected(tc, isZero(expected), o.error());
        }
        break;
      default:
        fail("tcId " + id + ": unknown result " + result);
    }
  }

  private static Tally tally(String label, JsonNode root) {
    int cases = 0;
    for (JsonNode group : root.get("testGroups")) {
      cases += group.get("tests").size();
    }
    assertEquals(root.get("numberOfTests").asInt(), cases, label + ": numberOfTests");
    Tally t = new Tally(label, cases);
    synchronized (ORDER) {
      if (TALLIES.put(label, t) == null) {
        ORDER.add(label);
      }
    }
    return t;
  }

  @AfterAll
  static void report() {
    synchronized (ORDER) {
      for (String label : ORDER) {
        System.out.println(TALLIES.get(label).summary());
      }
    }
  }

  private static final class Tally {
    final String label;
    final int cases;
    final AtomicInteger validPassed = new AtomicInteger();
    final AtomicInteger invalidRejected = new AtomicInteger();
    final AtomicInteger invalidAccepted = new AtomicInteger();
    final AtomicInteger acceptableAccepted = new AtomicInteger();
    final AtomicInteger acceptableRejectedZero = new AtomicInteger();
    final Set<Integer> acceptableRejectedOther = new ConcurrentSkipListSet<>();
    final Set<Integer> wrong = new ConcurrentSkipListSet<>();
    final Set<String> invalidRejections = new ConcurrentSkipListSet<>();
    final Set<String> acceptableRejections = new ConcurrentSkipListSet<>();

    /** reason -> tcIds and sizes of the cases not run. */
    final Map<String, Unsupported> unsupported = new ConcurrentHashMap<>();

    Tally(String label, int cases) {
      this.label = label;
      this.cases = cases;
    }

    void acceptableRejected(JsonNode tc, boolean zeroSecret, Exception e) {
      acceptableRejections.add(e.getClass().getSimpleName());
      if (zeroSecret) {
        acceptableRejectedZero.incrementAndGet();
      } else {
        acceptableRejectedOther.add(tcId(tc));
      }
    }

    void unsupported(String reason, JsonNode group, JsonNode tc) {
      unsupported.computeIfAbsent(reason, r -> new Unsupported()).add(group, tc);
    }

    String summary() {
      StringBuilder sb = new StringBuilder("Wycheproof ").append(label).append(": ");
      sb.append(cases).append(" cases, ");
      sb.append(validPassed.get()).append(" valid passed, ");
      sb.append(invalidRejected.get()).append(" invalid rejected");
      if (!invalidRejections.isEmpty()) {
        sb.append(' ').append(invalidRejections);
      }
      sb.append(", ");
      sb.append(invalidAccepted.get()).append(" invalid accepted, ");
      int rejected = acceptableRejectedZero.get() + acceptableRejectedOther.size();
      sb.append(acceptableAccepted.get() + rejected + wrong.size()).append(" acceptable (");
      sb.append(acceptableAccepted.get()).append(" accepted, ");
      sb.append(rejected).append(" rejected");
      if (rejected > 0) {
        sb.append(' ')
            .append(acceptableRejections)
            .append(": ")
            .append(acceptableRejectedZero.get())
            .append(" with an all-zero secret");
        if (!acceptableRejectedOther.isEmpty()) {
          sb.append(", others tcIds ").append(acceptableRejectedOther);
        }
      }
      if (!wrong.isEmpty()) {
        sb.append(", WRONG result tcIds ").append(wrong);
      }
      sb.append("); unsupported: ");
      if (unsupported.isEmpty()) {
        sb.append("none");
      } else {
        sb.append(
            unsupported.entrySet().stream()
                .map(e -> e.getValue().describe() + " (" + e.getKey() + ")")
                .collect(Collectors.joining("; ")));
      }
      return sb.toString();
    }
  }

  private static final class Unsupported {
    final Set<Integer> tcIds = new ConcurrentSkipListSet<>();

    /** keySize -> ivSizes, and keySize -> count; sizes in bits. */
    final Map<Integer, Set<Integer>> ivSizesByKeySize = new TreeMap<>();

    final Map<Integer, Integer> countByKeySize = new TreeMap<>();
    final Set<Integer> tagSizes = new TreeSet<>();

    synchronized void add(JsonNode group, JsonNode tc) {
      int keySize = group.get("keySize").asInt();
      tcIds.add(tcId(tc));
      ivSizesByKeySize
          .computeIfAbsent(keySize, k -> new TreeSet<>())
          .add(group.get("ivSize").asInt());
      countByKeySize.merge(keySize, 1, Integer::sum);
      tagSizes.add(group.get("tagSize").asInt());
    }

    synchronized String describe() {
      StringBuilder sb = new StringBuilder().append(tcIds.size()).append(" cases [");
      sb.append(
          ivSizesByKeySize.entrySet().stream()
              .map(
                  e ->
                      countByKeySize.get(e.getKey())
                          + " with keySize "
                          + e.getKey()
                          + " and ivSize "
                          + e.getValue())
              .collect(Collectors.joining(", ")));
      sb.append("; tagSize ").append(tagSizes).append("; sizes in bits]");
      if (tcIds.size() <= 20) {
        sb.append(" tcIds ").append(tcIds);
      }
      return sb.toString();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String name(JsonNode tc) {
    StringBuilder flags = new StringBuilder();
    for (JsonNode f : tc.get("flags")) {
      flags.append(flags.length() == 0 ? "" : ",").append(f.asText());
    }
    String comment = tc.path("comment").asText("");
    return "tcId "
        + tcId(tc)
        + " "
        + tc.get("result").asText()
        + " ["
        + flags
        + "]"
        + (comment.isEmpty() ? "" : " " + comment);
  }

  private static int tcId(JsonNode tc) {
    return tc.get("tcId").asInt();
  }

  private static boolean hasFlag(JsonNode tc, String flag) {
    for (JsonNode f : tc.get("flags")) {
      if (f.asText().equals(flag)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * The judging above must be able to fail: a wrong secret for a valid case, an accepted invalid
   * case, a wrong result for an acceptable case, and a forged tag in a "valid" AEAD case are all
   * caught. Uses a throwaway tally that is not reported.
   */
  @Test
  @Order(0)
  void theJudgingBites() throws GeneralSecurityException {
    ObjectMapper json = new ObjectMapper();
    Tally scratch = new Tally("self-test", 0);
    byte[] secret = new byte[32];
    secret[0] = 1;
    byte[] other = secret.clone();
    other[31] = 1;
    for (String result : new String[] {"valid", "acceptable"}) {
      ObjectNode tc = json.createObjectNode().put("tcId", 0).put("result", result);
      assertThrows(
          AssertionFailedError.class,
          () -> judge(scratch, tc, new Outcome(other, null), secret, "secret"),
          result + " case with a wrong secret");
    }
    ObjectNode invalid = json.createObjectNode().put("tcId", 0).put("result", "invalid");
    assertThrows(
        AssertionFailedError.class,
        () -> judge(scratch, invalid, new Outcome(secret, null), secret, "secret"),
        "accepted invalid case");
    ObjectNode valid = json.createObjectNode().put("tcId", 0).put("result", "valid");
    assertThrows(
        AssertionFailedError.class,
        () ->
            judge(
                scratch, valid, new Outcome(null, new InvalidKeyException("no")), secret, "secret"),
        "rejected valid case");

    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    byte[] sealed = new ProviderChaCha().seal(key, iv, new byte[0], new byte[3]);
    sealed[sealed.length - 1] ^= 1;
    ObjectNode forged =
        json.createObjectNode()
            .put("tcId", 0)
            .put("result", "valid")
            .put("key", hex(key))
            .put("iv", hex(iv))
            .put("aad", "")
            .put("msg", "000000")
            .put("ct", hex(Arrays.copyOf(sealed, 3)))
            .put("tag", hex(Arrays.copyOfRange(sealed, 3, sealed.length)));
    assertThrows(
        AssertionFailedError.class,
        () -> aeadCase(scratch, forged, new ProviderChaCha()),
        "forged tag in a valid case (Cipher)");
    assertThrows(
        AssertionFailedError.class,
        () -> aeadCase(scratch, forged, new BackendAead(Primitive.CHACHA20_POLY1305)),
        "forged tag in a valid case (backend)");
  }
}
