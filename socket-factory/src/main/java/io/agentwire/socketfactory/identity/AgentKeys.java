package io.agentwire.socketfactory.identity;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.xec.XecKeyCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * X25519 agent keys in the formats people already have: PKCS#8 PEM private keys (what {@code
 * openssl genpkey -algorithm X25519} writes), SubjectPublicKeyInfo PEM public keys (what {@code
 * openssl pkey -pubout} writes), the raw 32-byte key as base64 or 64 hex digits, and SHA-256
 * fingerprints. Stateless and thread-safe.
 */
public final class AgentKeys {

  static final Provider PROVIDER = new AgentWireProvider();
  private static final int MAX_TEXT = 16 * 1024;

  private AgentKeys() {}

  /**
   * Parses a public key given as SubjectPublicKeyInfo PEM, base64 (of the raw 32 bytes or of the
   * DER encoding) or 64 hex digits.
   *
   * @throws InvalidKeySpecException saying which forms were expected
   */
  public static PublicKey parsePublicKey(String text) throws InvalidKeySpecException {
    String t = bounded(text).strip();
    try {
      if (t.startsWith("-----BEGIN PUBLIC KEY-----")) {
        return fromDer(pemBody(t, "PUBLIC KEY"));
      }
      if (t.matches("[0-9a-fA-F]{64}")) {
        return fromRaw(HexFormat.of().parseHex(t));
      }
      byte[] decoded = Base64.getDecoder().decode(t);
      return decoded.length == 32 ? fromRaw(decoded) : fromDer(decoded);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeySpecException(
          "not an X25519 public key: expected PEM (BEGIN PUBLIC KEY), base64 or 64 hex digits", e);
    }
  }

  /** Parses a PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}). */
  public static PrivateKey parsePrivateKeyPem(String pem) throws InvalidKeySpecException {
    String t = bounded(pem).strip();
    if (!t.startsWith("-----BEGIN PRIVATE KEY-----")) {
      throw new InvalidKeySpecException(
          "not a PKCS#8 PEM private key: expected -----BEGIN PRIVATE KEY-----");
    }
    byte[] der = pemBody(t, "PRIVATE KEY");
    try {
      return factory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
    }
  }

  /** The public key as SubjectPublicKeyInfo PEM. */
  public static String toPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** The private key as PKCS#8 PEM, readable by {@code openssl pkey}. This string is secret. */
  public static String toPem(PrivateKey key) {
    byte[] der = key.getEncoded();
    try {
      return pem("PRIVATE KEY", der);
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
    }
  }

  /** The raw 32-byte public key (RFC 7748 encoding), base64. */
  public static String toBase64(PublicKey key) {
    return Base64.getEncoder().encodeToString(raw(key));
  }

  /** {@code SHA256:} and the unpadded base64 of SHA-256 over the raw 32-byte key. */
  public static String fingerprint(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw(key));
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * The raw RFC 7748 encoding of an X25519 (32 bytes) or X448 (56 bytes) public key from any
   * provider, taken from its SubjectPublicKeyInfo so that no byte of the key is left out.
   */
  public static byte[] raw(PublicKey key) {
    try {
      return XecKeyCodec.rawPublicKeyFromX509(key.getEncoded());
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("not an X25519 or X448 public key", e);
    }
  }

  public static PublicKey fromRaw(byte[] raw) throws InvalidKeySpecException {
    if (raw.length != 32) {
      throw new InvalidKeySpecException("an X25519 public key is 32 bytes, got " + raw.length);
    }
    byte[] masked = raw.clone();
    masked[31] &= 0x7f; // RFC 7748: the top bit is ignored
    return XecKeyCodec.publicKey(Primitive.X25519, masked);
  }

  private static PublicKey fromDer(byte[] der) throws InvalidKeySpecException {
    return factory().generatePublic(new X509EncodedKeySpec(der));
  }

  static KeyFactory factory() {
    try {
      return KeyFactory.getInstance("X25519", PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the AgentWire provider lacks X25519", e);
    }
  }

  private static String bounded(String text) throws InvalidKeySpecException {
    if (text == null || text.length() > MAX_TEXT) {
      throw new InvalidKeySpecException(
          text == null
              ? "no key text"
              : "key text of " + text.length() + " characters is too long");
    }
    return text;
  }

  private static byte[] pemBody(String pem, String label) throws InvalidKeySpecException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from != 0 || to < 0) {
      throw new InvalidKeySpecException("malformed PEM: expected " + begin + " ... " + end);
    }
    String body = pem.substring(begin.length(), to).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeySpecException("malformed PEM: the body is not base64", e);
    }
  }

  private static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
