package io.agentwire.mls.crypto;

import static io.agentwire.testsupport.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import io.agentwire.testsupport.SharedVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the IETF crypto-basics vectors (shared/vectors/mls/crypto-basics.json) for all
 * seven cipher suites: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel
 * (verify the given signature, then sign and verify) and EncryptWithLabel (decrypt the given
 * ciphertext, then encrypt and decrypt).
 */
class CryptoBasicsVectorTest {

  static List<JsonNode> cases() throws Exception {
    JsonNode root =
        new ObjectMapper().readTree(SharedVectors.file("mls/crypto-basics.json").toFile());
    List<JsonNode> out = new ArrayList<>();
    root.forEach(out::add);
    assertEquals(7, out.size(), "one case per cipher suite");
    return out;
  }

  static byte[] h(JsonNode n, String field) {
    return hex(n.get(field).asText());
  }

  static Suite suite(JsonNode c) throws Exception {
    CipherSuite cs = CipherSuite.fromId(c.get("cipher_suite").asInt()).orElseThrow();
    assertTrue(cs.isSupported(), cs + " is supported");
    return Suites.get(cs);
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void refHash(JsonNode c) throws Exception {
    JsonNode v = c.get("ref_hash");
    assertArrayEquals(h(v, "out"), suite(c).refHash(v.get("label").asText(), h(v, "value")));
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void expandWithLabel(JsonNode c) throws Exception {
    JsonNode v = c.get("expand_with_label");
    assertArrayEquals(
        h(v, "out"),
        suite(c)
            .expandWithLabel(
                h(v, "secret"), v.get("label").asText(), h(v, "context"), v.get("length").asInt()));
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void deriveSecret(JsonNode c) throws Exception {
    JsonNode v = c.get("derive_secret");
    assertArrayEquals(h(v, "out"), suite(c).deriveSecret(h(v, "secret"), v.get("label").asText()));
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void deriveTreeSecret(JsonNode c) throws Exception {
    JsonNode v = c.get("derive_tree_secret");
    byte[] generation = new TlsWriter().u32(v.get("generation").asLong()).toByteArray();
    assertArrayEquals(
        h(v, "out"),
        suite(c)
            .expandWithLabel(
                h(v, "secret"), v.get("label").asText(), generation, v.get("length").asInt()));
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void signWithLabel(JsonNode c) throws Exception {
    Suite s = suite(c);
    JsonNode v = c.get("sign_with_label");
    String label = v.get("label").asText();
    byte[] priv = h(v, "priv");
    byte[] pub = h(v, "pub");
    byte[] content = h(v, "content");
    byte[] signature = h(v, "signature");
    assertArrayEquals(pub, s.signaturePublicKey(priv), "public key of priv");
    assertTrue(s.verifyWithLabel(pub, label, content, signature), "the given signature");
    byte[] ours = s.signWithLabel(priv, label, content);
    assertTrue(s.verifyWithLabel(pub, label, content, ours), "our signature");
    // The checks can fail: other label, other content, altered signature, altered key.
    assertFalse(s.verifyWithLabel(pub, label + "x", content, signature));
    byte[] otherContent = content.clone();
    otherContent[0] ^= 1;
    assertFalse(s.verifyWithLabel(pub, label, otherContent, signature));
    byte[] bad = signature.clone();
    bad[bad.length - 1] ^= 1;
    assertFalse(s.verifyWithLabel(pub, label, content, bad));
    assertFalse(s.verifyWithLabel(new byte[pub.length], label, content, signature));
    assertFalse(s.verifyWithLabel(new byte[0], label, content, signature));
    assertFalse(s.verifyWithLabel(pub, label, content, new byte[0]));
  }

  @ParameterizedTest(name = "suite {index}")
  @MethodSource("cases")
  void encryptWithLabel(JsonNode c) throws Exception {
    Suite s = suite(c);
    JsonNode v = c.get("encrypt_with_label");
    String label = v.get("label").asText();
    byte[] priv = h(v, "priv");
    byte[] pub = h(v, "pub");
    byte[] context = h(v, "context");
    byte[] plaintext = h(v, "plaintext");
    assertArrayEquals(pub, s.hpkePublicKey(priv), "public key of priv");
    assertArrayEquals(
        plaintext,
        s.decryptWithLabel(priv, label, context, h(v, "kem_output"), h(v, "ciphertext")),
        "the given ciphertext");
    Suite.HpkeSealed ours = s.encryptWithLabel(pub, label, context, plaintext);
    assertArrayEquals(
        plaintext, s.decryptWithLabel(priv, label, context, ours.kemOutput(), ours.ciphertext()));
    byte[] bad = ours.ciphertext();
    bad[0] ^= 1;
    org.junit.jupiter.api.Assertions.assertThrows(
        io.agentwire.mls.MlsException.class,
        () -> s.decryptWithLabel(priv, label, context, ours.kemOutput(), bad));
    org.junit.jupiter.api.Assertions.assertThrows(
        io.agentwire.mls.MlsException.class,
        () -> s.decryptWithLabel(priv, label + "x", context, ours.kemOutput(), ours.ciphertext()));
  }
}
