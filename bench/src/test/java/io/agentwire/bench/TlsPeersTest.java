package io.agentwire.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class TlsPeersTest {

  /** One echoed byte over a new connection; returns the client's view of the session. */
  private static SSLSession echo(LoopbackServer server, TlsPeers peers) throws IOException {
    try (Socket socket = server.connect(peers.socketFactory())) {
      socket.getOutputStream().write(42);
      assertEquals(42, socket.getInputStream().read());
      assertEquals(true, socket.getTcpNoDelay());
      return ((SSLSocket) socket).getSession();
    }
  }

  @Test
  void everyConnectionIsAFullMutualTls13Handshake() throws Exception {
    TlsPeers peers = TlsPeers.create("TLS_CHACHA20_POLY1305_SHA256", false);
    try (LoopbackServer server = LoopbackServer.echo(peers.serverSocketFactory())) {
      for (int i = 1; i <= 5; i++) {
        SSLSession session = echo(server, peers);
        assertEquals("TLSv1.3", session.getProtocol());
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", session.getCipherSuite());
        assertArrayEquals(
            new Certificate[] {peers.serverCertificate()}, session.getPeerCertificates());
        assertArrayEquals(
            new Certificate[] {peers.clientCertificate()}, session.getLocalCertificates());
        assertEquals(i, peers.serverCertificatesAccepted());
        assertEquals(i, peers.clientCertificatesAccepted());
      }
    }
    peers.verifyFullHandshakes(5);
  }

  @Test
  void resumptionWouldBeNoticed() throws Exception {
    TlsPeers peers = TlsPeers.create(null, true);
    try (LoopbackServer server = LoopbackServer.echo(peers.serverSocketFactory())) {
      for (int i = 0; i < 3; i++) {
        echo(server, peers);
      }
    }
    assertEquals(1, peers.serverCertificatesAccepted());
    assertEquals(1, peers.clientCertificatesAccepted());
    assertThrows(IllegalStateException.class, () -> peers.verifyFullHandshakes(3));
  }

  @Test
  void eachSideTrustsOnlyItsOwnPeer() throws Exception {
    TlsPeers peers = TlsPeers.create(null, false);
    TlsPeers strangers = TlsPeers.create(null, false);
    try (LoopbackServer server = LoopbackServer.echo(peers.serverSocketFactory())) {
      assertThrows(SSLException.class, () -> echo(server, strangers));
    }
    assertEquals(0, peers.clientCertificatesAccepted());
  }
}
