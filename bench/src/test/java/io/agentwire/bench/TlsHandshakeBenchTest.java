package io.agentwire.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

class TlsHandshakeBenchTest {

  private final ByteBuffer a = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer b = ByteBuffer.allocate(64 * 1024);
  private final ByteBuffer app = ByteBuffer.allocate(64 * 1024);

  @Test
  void everyInMemoryHandshakeIsAFullMutualTls13One() throws Exception {
    TlsPeers peers = TlsPeers.create("TLS_AES_256_GCM_SHA384", false);
    for (int i = 1; i <= 3; i++) {
      SSLEngine client = peers.clientEngine(443);
      SSLEngine server = peers.serverEngine();
      TlsHandshakeBench.handshake(client, server, a, b, app);
      SSLSession session = client.getSession();
      assertEquals("TLSv1.3", session.getProtocol());
      assertEquals("TLS_AES_256_GCM_SHA384", session.getCipherSuite());
      assertArrayEquals(
          new Certificate[] {peers.serverCertificate()}, session.getPeerCertificates());
      assertArrayEquals(
          new Certificate[] {peers.clientCertificate()}, server.getSession().getPeerCertificates());
      assertEquals(i, peers.serverCertificatesAccepted());
      assertEquals(i, peers.clientCertificatesAccepted());
    }
    peers.verifyFullHandshakes(3);
  }

  @Test
  void aStrangerFailsTheHandshake() throws Exception {
    TlsPeers peers = TlsPeers.create(null, false);
    TlsPeers strangers = TlsPeers.create(null, false);
    assertThrows(
        SSLException.class,
        () ->
            TlsHandshakeBench.handshake(
                strangers.clientEngine(443), peers.serverEngine(), a, b, app));
    assertEquals(0, peers.clientCertificatesAccepted());
  }
}
