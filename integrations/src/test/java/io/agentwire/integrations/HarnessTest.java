package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.alpn.java.server.JDK9ServerALPNProcessor;
import org.junit.jupiter.api.Test;

/** The harness's own claims, so a stack test that passes is not passing for the wrong reason. */
class HarnessTest {

  @Test
  void everySecurityHasItsOwnName() {
    List<String> names = TransportSecurity.all().map(Object::toString).collect(Collectors.toList());
    assertEquals(names.size(), names.stream().distinct().count(), "display names " + names);
  }

  @Test
  void tlsClientTrustsExactlyTheServersCertificateWhichNamesLocalhost() throws Exception {
    TlsSecurity tls = TlsSecurity.shared();
    X509Certificate[] trusted = tls.clientTrustManager().getAcceptedIssuers();
    assertEquals(1, trusted.length, "one trust anchor");
    assertEquals(tls.serverPrincipal(), trusted[0].getSubjectX500Principal());
    assertEquals(
        List.of(List.of(2, "localhost")),
        List.copyOf(trusted[0].getSubjectAlternativeNames()),
        "subjectAltName is dNSName localhost alone");
    assertNotEquals(tls.clientPrincipal(), tls.serverPrincipal());
  }

  @Test
  void foreignEnginesAreNotTheJdksAndJettyAlpnFindsThem() {
    SSLEngine jdk = TlsSecurity.shared().serverContext().createSSLEngine();
    SSLEngine foreign = ForeignEngineTlsSecurity.shared().serverContext().createSSLEngine();

    assertEquals("java.base", jdk.getClass().getModule().getName());
    assertFalse(foreign.getClass().getModule().isNamed(), foreign.getClass().getModule().getName());
    assertNotEquals(
        TlsSecurity.shared().serverContext().getProvider(),
        ForeignEngineTlsSecurity.shared().serverContext().getProvider(),
        "Netty's JdkSslContext takes its non-default-provider path");

    // Jetty's own JDK processor for one, the harness's for the other: never both, never neither.
    assertTrue(new JDK9ServerALPNProcessor().appliesTo(jdk));
    assertFalse(new JettyAlpnForAnyEngine.Server().appliesTo(jdk));
    assertFalse(new JDK9ServerALPNProcessor().appliesTo(foreign));
    assertTrue(new JettyAlpnForAnyEngine.Server().appliesTo(foreign));
    assertTrue(new JettyAlpnForAnyEngine.Client().appliesTo(foreign));
  }

  @Test
  void foreignEnginesForwardTheSettingsLibrariesMake() {
    SSLEngine foreign = ForeignEngineTlsSecurity.shared().clientContext().createSSLEngine("h", 1);
    assertEquals("h", foreign.getPeerHost());
    assertEquals(1, foreign.getPeerPort());
    javax.net.ssl.SSLParameters p = foreign.getSSLParameters();
    p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    p.setEndpointIdentificationAlgorithm("HTTPS");
    foreign.setSSLParameters(p);
    assertArrayEquals(
        new String[] {"h2", "http/1.1"}, foreign.getSSLParameters().getApplicationProtocols());
    assertEquals("HTTPS", foreign.getSSLParameters().getEndpointIdentificationAlgorithm());
  }
}
