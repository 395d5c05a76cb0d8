package io.agentwire.socketfactory.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerAttestationTest {

  private static final Instant WHEN = Instant.parse("2025-06-01T12:34:56.789Z");

  static Stream<PublicKey> peerKeys() throws Exception {
    return Stream.of(
        KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic(),
        KeyPairGenerator.getInstance("X25519", new AgentWireProvider())
            .generateKeyPair()
            .getPublic());
  }

  private static PublicKey jdkKey() throws Exception {
    return KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic();
  }

  /** SANs of one type, as the JDK reports them (a String for types 2 and 7). */
  private static List<Object> sans(X509Certificate cert, int type) throws Exception {
    Collection<List<?>> all = cert.getSubjectAlternativeNames();
    List<Object> out = new ArrayList<>();
    if (all != null) {
      for (List<?> entry : all) {
        if ((Integer) entry.get(0) == type) {
          out.add(entry.get(1));
        }
      }
    }
    return out;
  }

  /**
   * A hostname check in the manner of RFC 6125 and OkHttp: an IP host against the iPAddress SANs,
   * any other host against the dNSName SANs without case or trailing dot; no CN fallback, no
   * wildcards (the certificate never has any).
   */
  private static boolean hostMatches(X509Certificate cert, String host) throws Exception {
    byte[] ip = PeerAttestation.ipLiteral(host);
    if (ip != null) {
      for (Object san : sans(cert, 7)) {
        if (Arrays.equals(ip, InetAddress.getByName((String) san).getAddress())) {
          return true;
        }
      }
      return false;
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    for (Object san : sans(cert, 2)) {
      if (((String) san).equalsIgnoreCase(h)) {
        return true;
      }
    }
    return false;
  }

  private static String cn(X509Certificate cert) {
    String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
    assertTrue(dn.startsWith("CN="), dn);
    assertTrue(dn.endsWith(",O=AgentWire Noise static key"), dn);
    return dn.substring(3, dn.length() - ",O=AgentWire Noise static key".length());
  }

  @ParameterizedTest
  @MethodSource("peerKeys")
  void isAJdkCertificateSignedByTheAttestationKeyAroundTheGivenPeerKey(PublicKey peer)
      throws Exception {
    X509Certificate cert = PeerAttestation.attest(peer, "agent.example.com", WHEN);

    assertEquals("sun.security.x509.X509CertImpl", cert.getClass().getName());
    assertEquals(3, cert.getVersion());
    assertDoesNotThrow(() -> cert.verify(PeerAttestation.attestationKey()));
    assertEquals("Ed25519", cert.getSigAlgName());
    assertEquals("1.3.101.112", cert.getSigAlgOID());
    assertNull(cert.getSigAlgParams());
    assertArrayEquals(peer.getEncoded(), cert.getPublicKey().getEncoded());
    assertEquals("XDH", cert.getPublicKey().getAlgorithm());
    assertEquals(
        new X500Principal("CN=AgentWire Noise handshake attestation (not a CA), O=AgentWire"),
        cert.getIssuerX500Principal());
    assertEquals("agent.example.com", cn(cert));

    byte[] serial =
        Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(peer.getEncoded()), 16);
    serial[0] &= 0x7f;
    assertEquals(new BigInteger(1, serial), cert.getSerialNumber());
    assertEquals(1, cert.getSerialNumber().signum());

    assertEquals(Set.of("2.5.29.19", "2.5.29.15"), cert.getCriticalExtensionOIDs());
    assertEquals(Set.of("2.5.29.17"), cert.getNonCriticalExtensionOIDs());
    assertFalse(cert.hasUnsupportedCriticalExtension());
    assertEquals(-1, cert.getBasicConstraints());
    boolean[] usage = cert.getKeyUsage();
    for (int i = 0; i < usage.length; i++) {
      assertEquals(i == 4, usage[i], "keyUsage bit " + i); // keyAgreement only
    }
    assertNull(cert.getExtendedKeyUsage());
  }

  @Test
  void aDifferentKeySignatureFailsVerification() throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "a", WHEN);
    PublicKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    assertThrows(SignatureException.class, () -> cert.verify(other));
  }

  @Test
  void theAttestationKeyIsOneEd25519KeyForTheProcess() {
    assertEquals("EdDSA", PeerAttestation.attestationKey().getAlgorithm());
    assertEquals(PeerAttestation.attestationKey(), PeerAttestation.attestationKey());
  }

  @Test
  void isValidFromAMinuteBeforeTheHandshakeToADayAfter() throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "a", WHEN);
    assertEquals(Instant.parse("2025-06-01T12:33:56Z"), cert.getNotBefore().toInstant());
    assertEquals(Instant.parse("2025-06-02T12:34:56Z"), cert.getNotAfter().toInstant());
    cert.checkValidity(Date.from(WHEN));
    cert.checkValidity(Date.from(WHEN.minusSeconds(60)));
    cert.checkValidity(Date.from(WHEN.plus(Duration.ofHours(23))));
    assertThrows(
        CertificateNotYetValidException.class,
        () -> cert.checkValidity(Date.from(WHEN.minusSeconds(62))));
    assertThrows(
        CertificateExpiredException.class,
        () -> cert.checkValidity(Date.from(WHEN.plus(Duration.ofHours(25)))));
  }

  @Test
  void handshakesFrom2050OnGetGeneralizedTime() throws Exception {
    Instant late = Instant.parse("2049-12-31T12:00:00Z");
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "a", late);
    assertEquals(late.minusSeconds(60), cert.getNotBefore().toInstant());
    assertEquals(late.plus(Duration.ofHours(24)), cert.getNotAfter().toInstant());
    cert.checkValidity(Date.from(late));
  }

  @Test
  void aDnsNameIsTheOneDnsSanAndMatchesOnlyItself() throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "api.example.com", WHEN);
    assertEquals(List.of("api.example.com"), sans(cert, 2));
    assertEquals(List.of(), sans(cert, 7));
    assertEquals(1, cert.getSubjectAlternativeNames().size());
    assertTrue(hostMatches(cert, "api.example.com"));
    assertTrue(hostMatches(cert, "API.Example.com."));
    assertFalse(hostMatches(cert, "example.com"));
    assertFalse(hostMatches(cert, "x.api.example.com"));
    assertFalse(hostMatches(cert, "api.example.org"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "a", "xn--bcher-kva.example", "a-b.c-d", "1a.example"})
  void validDnsNamesAreKeptAsTheyAre(String name) throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), name, WHEN);
    assertEquals(List.of(name), sans(cert, 2));
    assertEquals(name, cn(cert));
    assertTrue(hostMatches(cert, name));
  }

  @Test
  void upperCaseATrailingDotAndUnicodeAreNormalised() throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "Agent.EXAMPLE.com.", WHEN);
    assertEquals(List.of("agent.example.com"), sans(cert, 2));
    assertEquals("Agent.EXAMPLE.com.", cn(cert), "the CN keeps the name as the verifier gave it");
    assertEquals(
        List.of("xn--bcher-kva.example"),
        sans(PeerAttestation.attest(jdkKey(), "Bücher.example", WHEN), 2));
  }

  @Test
  void theLongestNamesPassAndOneMoreFails() throws Exception {
    String label63 = "a".repeat(63);
    assertEquals(List.of(label63), sans(PeerAttestation.attest(jdkKey(), label63, WHEN), 2));
    assertNull(PeerAttestation.dnsName("a".repeat(64)));
    // 4 labels of 63 and one of 1: 253 characters with the dots
    String n253 = String.join(".", label63, label63, label63, label63.substring(0, 61));
    assertEquals(253, n253.length());
    assertEquals(n253, PeerAttestation.dnsName(n253));
    assertEquals(n253, PeerAttestation.dnsName(n253 + "."));
    assertNull(PeerAttestation.dnsName(n253 + "a"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "*.example.com",
        "*",
        "a*.example.com",
        "has space",
        " example.com",
        "example.com ",
        "-a.example",
        "a-.example",
        "a..example",
        ".example",
        "example..",
        "a_b.example",
        "a/b",
        "user@example.com",
        "[::1]",
        "fe80::1%eth0",
        "1.2.3",
        "256.1.1.1",
        "01.2.3.4",
        "127.1",
        "1.2.3.4.5",
        "Alice's laptop",
        "evil.com,CN=good.com",
        "\u0000"
      })
  void otherNamesGetNoSanAndMatchNothing(String name) throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), name, WHEN);
    assertNull(cert.getSubjectAlternativeNames(), name);
    assertEquals(Set.of("2.5.29.19", "2.5.29.15"), cert.getCriticalExtensionOIDs());
    assertEquals(Set.of(), cert.getNonCriticalExtensionOIDs());
    for (String host : List.of(name, "example.com", "a.example.com", "localhost", "::1")) {
      assertFalse(hostMatches(cert, host), name + " vs " + host);
    }
  }

  @Test
  void freeFormNamesStayInTheCn() throws Exception {
    assertEquals("has space", cn(PeerAttestation.attest(jdkKey(), "has space", WHEN)));
    assertEquals("", cn(PeerAttestation.attest(jdkKey(), "", WHEN)));
    assertEquals(
        "evil.com\\,CN\\=good.com",
        cn(PeerAttestation.attest(jdkKey(), "evil.com,CN=good.com", WHEN)));
  }

  @Test
  void aNameWithAWildcardIsNotInTheCnEither() throws Exception {
    PublicKey key = jdkKey();
    String expected = "AgentWire peer " + fingerprint(key);
    assertEquals(expected, cn(PeerAttestation.attest(key, "*.example.com", WHEN)));
    assertEquals(expected, cn(PeerAttestation.attest(key, "*", WHEN)));
  }

  @ParameterizedTest
  @MethodSource("peerKeys")
  void anAnonymousPeerIsNamedByItsFingerprintWithNoSan(PublicKey key) throws Exception {
    X509Certificate cert = PeerAttestation.attest(key, null, WHEN);
    assertEquals("AgentWire peer " + fingerprint(key), cn(cert));
    assertNull(cert.getSubjectAlternativeNames());
    assertFalse(hostMatches(cert, "localhost"));
    assertFalse(hostMatches(cert, fingerprint(key)));
  }

  private static String fingerprint(PublicKey key) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    return HexFormat.of().formatHex(d, 0, 16);
  }

  @Test
  void anIpv4LiteralIsAnIpSan() throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), "192.0.2.7", WHEN);
    assertEquals(List.of("192.0.2.7"), sans(cert, 7));
    assertEquals(List.of(), sans(cert, 2));
    assertTrue(hostMatches(cert, "192.0.2.7"));
    assertFalse(hostMatches(cert, "192.0.2.8"));
    assertFalse(hostMatches(cert, "::ffff:192.0.2.8"));
    assertArrayEquals(
        new byte[] {0, 0, 0, 0}, PeerAttestation.ipLiteral("0.0.0.0"), "zero is one digit");
    assertArrayEquals(new byte[] {-1, -1, -1, -1}, PeerAttestation.ipLiteral("255.255.255.255"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"::1", "2001:db8::7", "2001:DB8:0:0:0:0:0:7", "::"})
  void anIpv6LiteralIsASixteenByteIpSan(String literal) throws Exception {
    X509Certificate cert = PeerAttestation.attest(jdkKey(), literal, WHEN);
    List<Object> ips = sans(cert, 7);
    assertEquals(1, ips.size());
    assertEquals(List.of(), sans(cert, 2));
    byte[] expected = InetAddress.getByName(literal).getAddress();
    assertEquals(16, expected.length);
    assertArrayEquals(expected, InetAddress.getByName((String) ips.get(0)).getAddress());
    assertTrue(hostMatches(cert, literal));
    assertFalse(hostMatches(cert, "::2"));
  }

  @Test
  void ipLiteralsAreParsedWithoutLookingNamesUp() {
    // Each of these would be a DNS query if it reached InetAddress.getByName.
    for (String name : List.of("abc", "dead.beef", "cafe", "example.com", "a.b.c.d", "ff")) {
      assertNull(PeerAttestation.ipLiteral(name), name);
    }
    assertNull(PeerAttestation.ipLiteral("1:2:3:4:5:6:7:8:9"));
    assertNull(PeerAttestation.ipLiteral(":::"));
    assertNull(PeerAttestation.ipLiteral("::g"));
    assertNull(PeerAttestation.ipLiteral("[::1]"));
    assertNull(PeerAttestation.ipLiteral("::\u0661")); // an Arabic-Indic one is not a hex digit
  }

  @Test
  void theSameKeyAndNameGiveTheSameCertificateFieldsButAFreshSignatureTime() throws Exception {
    PublicKey key = jdkKey();
    X509Certificate a = PeerAttestation.attest(key, "a.example", WHEN);
    X509Certificate b = PeerAttestation.attest(key, "a.example", WHEN.plusSeconds(5));
    assertEquals(a.getSerialNumber(), b.getSerialNumber());
    assertNotEquals(a.getNotBefore(), b.getNotBefore());
    assertNotEquals(
        PeerAttestation.attest(jdkKey(), "a.example", WHEN).getSerialNumber(), a.getSerialNumber());
  }

  @Test
  void aKeyWithoutAnX509EncodingIsRefused() {
    PublicKey raw =
        new PublicKey() {
          @Override
          public String getAlgorithm() {
            return "X25519";
          }

          @Override
          public String getFormat() {
            return "RAW";
          }

          @Override
          public byte[] getEncoded() {
            return new byte[32];
          }
        };
    assertThrows(IllegalArgumentException.class, () -> PeerAttestation.attest(raw, "a", WHEN));
  }

  // --- The JDK's own endpoint identification (sun.security.util.HostnameChecker, the check
  // HttpsURLConnection and JSSE's "HTTPS" endpoint identification run), reached through the
  // public trust manager with the attestation as its one trust anchor.

  private static boolean jdkAccepts(X509Certificate cert, String host) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("attestation", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(anchors);
    X509ExtendedTrustManager tm = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    try {
      // ECDH_ECDSA: the TLS auth type whose server key must allow keyAgreement
      tm.checkServerTrusted(new X509Certificate[] {cert}, "ECDH_ECDSA", new Engine(host));
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  @Test
  void theJdksHostnameCheckAcceptsExactlyTheAttestedName() throws Exception {
    X509Certificate dns = PeerAttestation.attest(jdkKey(), "api.example.com", WHEN);
    assertTrue(jdkAccepts(dns, "api.example.com"));
    assertTrue(jdkAccepts(dns, "API.example.COM"));
    assertFalse(jdkAccepts(dns, "example.com"));
    assertFalse(jdkAccepts(dns, "x.api.example.com"));

    X509Certificate v4 = PeerAttestation.attest(jdkKey(), "192.0.2.7", WHEN);
    assertTrue(jdkAccepts(v4, "192.0.2.7"));
    assertFalse(jdkAccepts(v4, "192.0.2.8"));

    X509Certificate v6 = PeerAttestation.attest(jdkKey(), "2001:db8::7", WHEN);
    assertTrue(jdkAccepts(v6, "2001:db8::7"));
    assertTrue(jdkAccepts(v6, "[2001:db8::7]"));
    assertFalse(jdkAccepts(v6, "2001:db8::8"));
  }

  @Test
  void theJdksHostnameCheckRejectsEveryNameWithoutASan() throws Exception {
    PublicKey key = jdkKey();
    X509Certificate anonymous = PeerAttestation.attest(key, null, WHEN);
    assertFalse(jdkAccepts(anonymous, "localhost"));
    assertFalse(jdkAccepts(anonymous, fingerprint(key)));
    // The JDK falls back to the CN when there is no dNSName; a wildcard there would match.
    X509Certificate wildcard = PeerAttestation.attest(key, "*.example.com", WHEN);
    assertFalse(jdkAccepts(wildcard, "a.example.com"));
    X509Certificate star = PeerAttestation.attest(key, "*", WHEN);
    assertFalse(jdkAccepts(star, "localhost"));
    X509Certificate free = PeerAttestation.attest(key, "has space", WHEN);
    assertFalse(jdkAccepts(free, "has space"));
  }

  /** Just enough SSLEngine for the trust manager: a handshake session and the HTTPS check. */
  private static final class Engine extends SSLEngine {
    private final SSLSession session;

    Engine(String host) {
      super(host, 443);
      session =
          (SSLSession)
              java.lang.reflect.Proxy.newProxyInstance(
                  SSLSession.class.getClassLoader(),
                  new Class<?>[] {SSLSession.class},
                  (proxy, method, args) -> {
                    switch (method.getName()) {
                      case "getPeerHost":
                        return host;
                      case "getPeerPort":
                        return 443;
                      case "getProtocol":
                        return "TLSv1.2";
                      case "hashCode":
                        return System.identityHashCode(proxy);
                      case "equals":
                        return proxy == args[0];
                      default:
                        throw new UnsupportedOperationException(method.getName());
                    }
                  });
    }

    @Override
    public SSLSession getHandshakeSession() {
      return session;
    }

    @Override
    public SSLParameters getSSLParameters() {
      SSLParameters p = new SSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      return p;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] s, int o, int l, ByteBuffer d) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer s, ByteBuffer[] d, int o, int l) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Runnable getDelegatedTask() {
      return null;
    }

    @Override
    public void closeInbound() {}

    @Override
    public boolean isInboundDone() {
      return false;
    }

    @Override
    public void closeOutbound() {}

    @Override
    public boolean isOutboundDone() {
      return false;
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return new String[0];
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return new String[0];
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {}

    @Override
    public String[] getSupportedProtocols() {
      return new String[] {"TLSv1.2"};
    }

    @Override
    public String[] getEnabledProtocols() {
      return new String[] {"TLSv1.2"};
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {}

    @Override
    public SSLSession getSession() {
      return session;
    }

    @Override
    public void beginHandshake() {}

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void setUseClientMode(boolean mode) {}

    @Override
    public boolean getUseClientMode() {
      return true;
    }

    @Override
    public void setNeedClientAuth(boolean need) {}

    @Override
    public boolean getNeedClientAuth() {
      return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {}

    @Override
    public boolean getWantClientAuth() {
      return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {}

    @Override
    public boolean getEnableSessionCreation() {
      return true;
    }
  }
}
