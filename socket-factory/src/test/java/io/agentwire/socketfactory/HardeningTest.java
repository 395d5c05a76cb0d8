package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerificationException;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import io.agentwire.testsupport.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Regression tests for what an independent security review of the socket layer found. */
@Timeout(60)
class HardeningTest {

  static final AgentIdentity SERVER = SocketPatternsTest.SERVER;
  static final AgentIdentity CLIENT = SocketPatternsTest.CLIENT;

  @Test
  void deferredPatternsWhoseServerKeyOnlyTransportProvesAreRefusedInBothModes() {
    // In these the client answers before any handshake message proves the server's key.
    for (String deferred :
        new String[] {
          "Noise_XX1_25519_ChaChaPoly_SHA256",
          "Noise_IX1_25519_AESGCM_SHA256",
          "Noise_NX1psk2_25519_ChaChaPoly_SHA256"
        }) {
      for (boolean raw : new boolean[] {false, true}) {
        AgentSocketConfig.Builder b =
            AgentSocketConfig.builder()
                .identity(CLIENT)
                .psk(new byte[32])
                .peerVerifier(PeerVerifier.anyPeer());
        if (raw) {
          b.raw(deferred, null);
        } else {
          b.cipherSuites(deferred);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("deferred"), e.getMessage());
        assertTrue(e.getMessage().contains("first transport message"), e.getMessage());
      }
    }
  }

  @Test
  void jsseSettingsCannotLoosenTheConfiguredClientAuthentication() throws Exception {
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites("Noise_XX_25519_ChaChaPoly_SHA256", "Noise_NX_25519_ChaChaPoly_SHA256")
            .build();
    AgentSocketConfig anonymousClient =
        AgentSocketConfig.builder()
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites("Noise_NX_25519_ChaChaPoly_SHA256")
            .build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), EchoServer.ECHO)) {
      ((SSLServerSocket) es.server).setSSLParameters(new SSLParameters()); // need=want=false
      ((SSLServerSocket) es.server).setNeedClientAuth(false);
      try (SSLSocket s =
          (SSLSocket)
              new AgentSocketFactory(anonymousClient).createSocket("127.0.0.1", es.port())) {
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, s::startHandshake);
        assertTrue(e.getMessage().contains("server refused Noise_NX"), e.getMessage());
        es.awaitEnded(1);
        String why = es.failures.get(0).getMessage();
        assertTrue(why.contains("requires client authentication"), why);
      }
    }
  }

  @Test
  void aServerThatEnablesOnlyIkNeverFallsBackAndSoNeverRevealsItsKeyToAProber() throws Exception {
    AgentSocketConfig server =
        AgentSocketConfig.builder()
            .identity(SERVER)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites("Noise_IK_25519_ChaChaPoly_BLAKE2s")
            .build();
    AgentSocketConfig stale =
        AgentSocketConfig.builder()
            .identity(CLIENT)
            .peerVerifier(PeerVerifier.anyPeer())
            .peerKey(AgentIdentity.generate().publicKey())
            .build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), EchoServer.ECHO);
        SSLSocket s =
            (SSLSocket) new AgentSocketFactory(stale).createSocket("127.0.0.1", es.port())) {
      assertThrows(SSLHandshakeException.class, s::startHandshake);
      es.awaitEnded(1);
      assertTrue(es.failures.get(0).getMessage().contains("failed authentication"));
    }
  }

  @Test
  void aLayeredSocketKeepsTheReadTimeoutItsOwnerSet() throws Exception {
    AgentSocketConfig config =
        AgentSocketConfig.builder().identity(SERVER).peerVerifier(PeerVerifier.anyPeer()).build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(config), EchoServer.ECHO);
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), es.port())) {
      plain.setSoTimeout(1500);
      SSLSocket s =
          (SSLSocket)
              new AgentSocketFactory(config).createSocket(plain, "127.0.0.1", es.port(), true);
      assertEquals(1500, s.getSoTimeout());
      s.startHandshake();
      assertEquals(1500, plain.getSoTimeout(), "the handshake restores the owner's timeout");
      assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read());
      s.close();
    }
  }

  @Test
  void writingAfterCloseSaysTheSocketIsClosed() throws Exception {
    AgentSocketConfig config =
        AgentSocketConfig.builder().identity(SERVER).peerVerifier(PeerVerifier.anyPeer()).build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(config), EchoServer.ECHO)) {
      Socket s = new AgentSocketFactory(config).createSocket("127.0.0.1", es.port());
      s.getOutputStream().write(1);
      s.close();
      IOException e = assertThrows(IOException.class, () -> s.getOutputStream().write(1));
      assertTrue(e instanceof SocketException, e.toString());
    }
  }

  @Test
  void trustStoreNamesCompareAsHostNames() throws Exception {
    PeerTrustStore pins = PeerTrustStore.inMemory(true);
    pins.pin("Agents.Example.", SERVER.publicKey());
    assertTrue(pins.pinned("agents.example").isPresent());
    PeerVerificationException e =
        assertThrows(
            PeerVerificationException.class,
            () -> pins.verify("AGENTS.example", CLIENT.publicKey()));
    assertTrue(e.getMessage().contains("has changed"), "no second pin: " + e.getMessage());
  }

  @Test
  void trustOnFirstUseStopsGrowingAtItsLimit() throws Exception {
    PeerTrustStore pins = PeerTrustStore.inMemory(true);
    for (int i = 0; i < PeerTrustStore.MAX_ENTRIES; i++) {
      pins.pin("agent-" + i, SERVER.publicKey());
    }
    PeerVerificationException e =
        assertThrows(PeerVerificationException.class, () -> pins.verify(null, CLIENT.publicKey()));
    assertTrue(e.getMessage().contains("full"), e.getMessage());
  }

  @Test
  void unknownHelloFlagsAreRefused() throws Exception {
    AgentSocketConfig config =
        AgentSocketConfig.builder().identity(SERVER).peerVerifier(PeerVerifier.anyPeer()).build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(config), EchoServer.ECHO);
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), es.port())) {
      byte[] name = "Noise_XX_25519_ChaChaPoly_BLAKE2s".getBytes();
      byte[] body =
          new byte[WireFormat.HELLO_FIXED + name.length + WireFormat.EXTENSIONS_LENGTH_BYTES + 32];
      body[0] = WireFormat.MAGIC_0;
      body[1] = WireFormat.MAGIC_1;
      body[2] = WireFormat.VERSION;
      body[3] = 1; // a flag version 2 does not define
      body[4] = (byte) name.length;
      System.arraycopy(name, 0, body, WireFormat.HELLO_FIXED, name.length);
      raw.getOutputStream()
          .write(
              new byte[] {
                WireFormat.TYPE_HANDSHAKE,
                WireFormat.LEGACY_VERSION_MAJOR,
                WireFormat.LEGACY_VERSION_MINOR,
                0,
                (byte) body.length
              });
      raw.getOutputStream().write(body);
      es.awaitEnded(1);
      assertTrue(es.failures.get(0).getMessage().contains("flags"), es.failures.toString());
    }
  }
}
