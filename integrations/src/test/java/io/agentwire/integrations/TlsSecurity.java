package io.agentwire.integrations;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The JDK's own TLS 1.3 (SunJSSE), mutually authenticated: the server has a self-signed P-256
 * certificate for {@code localhost} (subjectAltName dNSName), the client one of its own, and each
 * side trusts exactly the other's certificate. Everything is made in memory when first used.
 *
 * <p>This is the reference the harness is proven on: a stack that passes here and fails over
 * another {@link TransportSecurity} fails because of that transport.
 */
public final class TlsSecurity implements TransportSecurity {

  private static final String PROTOCOL = "TLSv1.3";
  private static final char[] PASSWORD = "integration".toCharArray();

  private static volatile TlsSecurity shared;

  private final X509Certificate serverCert;
  private final X509Certificate clientCert;
  private final SSLContext serverContext;
  private final SSLContext clientContext;
  private final X509TrustManager clientTrust;

  /** One instance for the whole run: key generation and signing are done once. */
  public static TlsSecurity shared() {
    TlsSecurity s = shared;
    if (s == null) {
      synchronized (TlsSecurity.class) {
        s = shared;
        if (s == null) {
          try {
            s = new TlsSecurity("localhost");
          } catch (Exception e) {
            throw new IllegalStateException("could not make the test certificates", e);
          }
          shared = s;
        }
      }
    }
    return s;
  }

  private TlsSecurity(String host) throws Exception {
    KeyPair serverKeys = ecKeyPair();
    KeyPair clientKeys = ecKeyPair();
    serverCert =
        selfSigned("CN=agentwire-test-server", serverKeys, host, KeyPurposeId.id_kp_serverAuth);
    clientCert =
        selfSigned("CN=agentwire-test-client", clientKeys, null, KeyPurposeId.id_kp_clientAuth);
    X509TrustManager serverTrust = trustManager(clientCert);
    clientTrust = trustManager(serverCert);
    serverContext = context(serverKeys, serverCert, serverTrust);
    clientContext = context(clientKeys, clientCert, clientTrust);
  }

  @Override
  public SSLContext clientContext() {
    return clientContext;
  }

  @Override
  public SSLContext serverContext() {
    return serverContext;
  }

  @Override
  public HostnameVerifier hostnameVerifier() {
    return null;
  }

  @Override
  public X509TrustManager clientTrustManager() {
    return clientTrust;
  }

  @Override
  public boolean hasPeerCertificates() {
    return true;
  }

  @Override
  public boolean serverCertificateNamesHost() {
    return true;
  }

  @Override
  public String clientSessionProtocol() {
    return PROTOCOL;
  }

  @Override
  public String serverSessionProtocol() {
    return PROTOCOL;
  }

  @Override
  public Principal clientPrincipal() {
    return clientCert.getSubjectX500Principal();
  }

  @Override
  public Principal serverPrincipal() {
    return serverCert.getSubjectX500Principal();
  }

  @Override
  public String toString() {
    return "TLS 1.3 (SunJSSE)";
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(
      String subject, KeyPair keys, String dnsName, KeyPurposeId purpose) throws Exception {
    X500Name name = new X500Name(subject);
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, new SecureRandom()).setBit(63),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))),
            name,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    if (dnsName != null) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static X509TrustManager trustManager(X509Certificate only) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("peer", only);
    TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
    f.init(store);
    for (TrustManager t : f.getTrustManagers()) {
      if (t instanceof X509TrustManager) {
        return (X509TrustManager) t;
      }
    }
    throw new IllegalStateException("PKIX gave no X509TrustManager");
  }

  private static SSLContext context(KeyPair keys, X509Certificate cert, X509TrustManager trust)
      throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("self", keys.getPrivate(), PASSWORD, new Certificate[] {cert});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    keyManagers.init(store, PASSWORD);
    SSLContext ctx = SSLContext.getInstance(PROTOCOL, "SunJSSE");
    ctx.init(keyManagers.getKeyManagers(), new TrustManager[] {trust}, null);
    return ctx;
  }
}
