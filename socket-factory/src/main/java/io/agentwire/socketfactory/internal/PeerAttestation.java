package io.agentwire.socketfactory.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Presents a peer's Noise static key, as the handshake authenticated it, to code that expects an
 * X.509 certificate from {@link javax.net.ssl.SSLSession#getPeerCertificates()}: hostname verifiers
 * (Apache HttpClient's, OkHttp's, {@code HttpsURLConnection}'s), OkHttp's {@code Handshake},
 * Jetty's {@code SecureRequestCustomizer}.
 *
 * <p>The certificate is an <em>attestation by this process</em>, not a certificate issued by a CA,
 * and is not meant for chain validation. It says: in a Noise handshake at about the given time, the
 * peer proved it holds this X25519 key, and AgentWire's {@code PeerVerifier} accepted it under this
 * name. Its Ed25519 signature, by a key this JVM generates once and never stores, proves only that
 * this JVM created it ({@link #attestationKey()} verifies it); the Noise handshake is what proves
 * the peer's key, and nothing about the certificate adds to that.
 *
 * <p>The subject alternative name is what a standard hostname verifier matches, so it holds only
 * the name the caller passes, which must be the name the {@code PeerVerifier} returned for this
 * peer, never the name merely asked for. It appears only when that name is a valid DNS name (as a
 * lower-case ASCII {@code dNSName}, never a wildcard) or an IPv4/IPv6 literal (as an {@code
 * iPAddress}); for an anonymous peer or a free-form agent name there is none, and standard hostname
 * verifiers reject the certificate. A name containing {@code *} is kept out of the subject CN as
 * well, since verifiers that fall back to the CN would read it as a wildcard.
 *
 * <p>Thread-safe: every call uses its own digest, signature and certificate factory.
 */
public final class PeerAttestation {

  static final String ISSUER_CN = "AgentWire Noise handshake attestation (not a CA)";
  static final String ISSUER_O = "AgentWire";
  static final String SUBJECT_O = "AgentWire Noise static key";
  static final Duration BEFORE = Duration.ofMinutes(1);
  static final Duration AFTER = Duration.ofHours(24);

  private static final int[] OID_ED25519 = {1, 3, 101, 112};
  private static final int[] OID_CN = {2, 5, 4, 3};
  private static final int[] OID_O = {2, 5, 4, 10};
  private static final int[] OID_KEY_USAGE = {2, 5, 29, 15};
  private static final int[] OID_SUBJECT_ALT_NAME = {2, 5, 29, 17};
  private static final int[] OID_BASIC_CONSTRAINTS = {2, 5, 29, 19};

  private PeerAttestation() {}

  /** The signer, made on first use; class initialisation makes that once and thread-safe. */
  private static final class Signer {
    static final KeyPair PAIR = generate();

    private static KeyPair generate() {
      try {
        return KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK's SunEC provider has no Ed25519", e);
      }
    }
  }

  /**
   * The public half of this process's attestation key: {@code cert.verify(attestationKey())} shows
   * that this JVM issued {@code cert}, nothing more. A new key each run.
   */
  public static PublicKey attestationKey() {
    return Signer.PAIR.getPublic();
  }

  /**
   * An attestation certificate for {@code peerKey}, parsed by the JDK's own X.509 factory.
   *
   * @param peerKey the peer's static key as the handshake proved it; its {@link
   *     PublicKey#getEncoded() X.509 encoding} becomes the subject public key unchanged
   * @param peerName the name the {@code PeerVerifier} returned for this peer, or {@code null} for a
   *     peer named only by its key
   * @param handshakeTime when the handshake completed; the certificate is valid from a minute
   *     before it to a day after
   */
  static X509Certificate attest(PublicKey peerKey, String peerName, Instant handshakeTime) {
    byte[] spki = peerKey.getEncoded();
    if (spki == null || !"X.509".equals(peerKey.getFormat())) {
      throw new IllegalArgumentException(
          "the peer key has no X.509 encoding: " + peerKey.getAlgorithm());
    }
    byte[] digest = sha256(spki);
    byte[] serial = Arrays.copyOf(digest, 16);
    serial[0] &= 0x7f;
    String fingerprint = HexFormat.of().formatHex(digest, 0, 16);

    byte[] sanEntry = peerName == null ? null : subjectAltName(peerName);
    String cn =
        peerName == null || peerName.indexOf('*') >= 0 ? "AgentWire peer " + fingerprint : peerName;

    byte[] extensions =
        Der.seq(
            extension(OID_BASIC_CONSTRAINTS, true, Der.seq()),
            // keyAgreement is bit 4: 0000 1000, the three trailing zero bits unused
            extension(OID_KEY_USAGE, true, Der.bitString(3, new byte[] {0x08})),
            sanEntry == null
                ? new byte[0]
                : extension(OID_SUBJECT_ALT_NAME, false, Der.seq(sanEntry)));
    byte[] algorithm = Der.seq(Der.oid(OID_ED25519));
    Instant start = handshakeTime.minus(BEFORE).truncatedTo(ChronoUnit.SECONDS);
    Instant end = handshakeTime.plus(AFTER).truncatedTo(ChronoUnit.SECONDS);
    byte[] tbs =
        Der.seq(
            Der.explicit(0, Der.integer(BigInteger.valueOf(2))),
            Der.integer(new BigInteger(1, serial)),
            algorithm,
            name(ISSUER_O, ISSUER_CN),
            Der.seq(Der.time(start), Der.time(end)),
            name(SUBJECT_O, cn),
            spki,
            Der.explicit(3, extensions));
    byte[] der = Der.seq(tbs, algorithm, Der.bitString(0, sign(tbs)));
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509", "SUN")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the JDK refused an attestation certificate for a " + peerKey.getAlgorithm() + " key", e);
    }
  }

  /** An X.500 name, most significant RDN first, so it reads {@code CN=cn, O=org}. */
  private static byte[] name(String org, String cn) {
    return Der.seq(
        Der.set(Der.seq(Der.oid(OID_O), Der.utf8(org))),
        Der.set(Der.seq(Der.oid(OID_CN), Der.utf8(cn))));
  }

  private static byte[] extension(int[] oid, boolean critical, byte[] value) {
    return Der.seq(
        Der.oid(oid),
        critical ? Der.tlv(0x01, new byte[] {(byte) 0xff}) : new byte[0],
        Der.tlv(0x04, value));
  }

  /**
   * The one GeneralName for {@code peerName}: an iPAddress for an IP literal, a dNSName for a valid
   * DNS name, or {@code null} when it is neither.
   */
  static byte[] subjectAltName(String peerName) {
    byte[] ip = ipLiteral(peerName);
    if (ip != null) {
      return Der.tlv(0x87, ip); // [7] IMPLICIT OCTET STRING
    }
    String dns = dnsName(peerName);
    return dns == null ? null : Der.tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * {@code name} as a lower-case ASCII DNS name without its trailing dot, or {@code null} when it
   * is not one: labels of 1 to 63 letters, digits and hyphens, not starting or ending with a
   * hyphen, at most 253 characters, no wildcard, and a last label that is not all digits (so that
   * nothing an address parser might read as an IP address, such as {@code 127.1}, becomes a
   * dNSName).
   */
  static String dnsName(String name) {
    if (name.indexOf('*') >= 0) {
      return null;
    }
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty()) {
      return null;
    }
    try {
      n = IDN.toASCII(n);
    } catch (IllegalArgumentException e) {
      return null;
    }
    n = n.toLowerCase(Locale.ROOT);
    if (n.isEmpty() || n.length() > 253) {
      return null;
    }
    String[] labels = n.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()
          || label.length() > 63
          || label.charAt(0) == '-'
          || label.charAt(label.length() - 1) == '-') {
        return null;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
          return null;
        }
      }
    }
    return labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9') ? null : n;
  }

  /**
   * The address {@code name} spells, 4 or 16 bytes, or {@code null} when it is not an IP literal.
   * IPv4 is dotted-quad decimal without leading zeros; IPv6 has no brackets and no zone. Nothing
   * here looks a name up: {@link InetAddress#getByName} sees only strings of hex digits, colons and
   * dots with at least one colon, which it parses as IPv6 or refuses.
   */
  static byte[] ipLiteral(String name) {
    byte[] v4 = ipv4(name);
    if (v4 != null) {
      return v4;
    }
    if (name.indexOf(':') < 0) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
      if (!hex && c != ':' && c != '.') {
        return null;
      }
    }
    try {
      return InetAddress.getByName(name).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] ipv4(String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || p.length() > 1 && p.charAt(0) == '0') {
        return null;
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] sign(byte[] tbs) {
    try {
      Signature s = Signature.getInstance("Ed25519", "SunEC");
      PrivateKey key = Signer.PAIR.getPrivate();
      s.initSign(key);
      s.update(tbs);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK could not sign with Ed25519", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Just enough DER for one certificate. */
  private static final class Der {

    private static final DateTimeFormatter UTC_TIME =
        DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT);
    private static final DateTimeFormatter GENERALIZED_TIME =
        DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT);

    static byte[] tlv(int tag, byte[]... parts) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        body.writeBytes(p);
      }
      int n = body.size();
      ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
      out.write(tag);
      if (n < 0x80) {
        out.write(n);
      } else {
        int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
          out.write(n >>> (8 * i));
        }
      }
      out.writeBytes(body.toByteArray());
      return out.toByteArray();
    }

    static byte[] seq(byte[]... parts) {
      return tlv(0x30, parts);
    }

    /** A SET OF one element; DER's sorting of a SET's elements has nothing to sort then. */
    static byte[] set(byte[] only) {
      return tlv(0x31, only);
    }

    static byte[] explicit(int tag, byte[] content) {
      return tlv(0xa0 | tag, content);
    }

    static byte[] integer(BigInteger v) {
      return tlv(0x02, v.toByteArray()); // minimal two's complement, as DER wants
    }

    static byte[] bitString(int unusedBits, byte[] bits) {
      byte[] body = new byte[bits.length + 1];
      body[0] = (byte) unusedBits;
      System.arraycopy(bits, 0, body, 1, bits.length);
      return tlv(0x03, body);
    }

    static byte[] utf8(String s) {
      return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime through 2049 and GeneralizedTime from 2050, as RFC 5280 section 4.1.2.5 asks. */
    static byte[] time(Instant t) {
      ZonedDateTime z = t.atZone(ZoneOffset.UTC);
      return z.getYear() >= 1950 && z.getYear() < 2050
          ? tlv(0x17, UTC_TIME.format(z).getBytes(StandardCharsets.US_ASCII))
          : tlv(0x18, GENERALIZED_TIME.format(z).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] oid(int[] arcs) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      base128(out, arcs[0] * 40 + arcs[1]);
      for (int i = 2; i < arcs.length; i++) {
        base128(out, arcs[i]);
      }
      return tlv(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, int v) {
      int groups = Math.max(1, (32 - Integer.numberOfLeadingZeros(v) + 6) / 7);
      for (int i = groups - 1; i > 0; i--) {
        out.write(0x80 | (v >>> (7 * i)) & 0x7f);
      }
      out.write(v & 0x7f);
    }
  }
}
