package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * Every rejection of the wire protocol carries a {@link FailureReason}, so callers branch on it
 * instead of on messages. Driven through the I/O-free core: bytes in, exceptions out.
 */
class FailureReasonTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();
  private static final String XX = "Noise_XX_25519_ChaChaPoly_BLAKE2s";

  private static AgentSocketConfig config(AgentIdentity id, String suite) {
    return AgentSocketConfig.builder()
        .identity(id)
        .peerVerifier(PeerVerifier.anyPeer())
        .cipherSuites(suite)
        .build();
  }

  private static ConnectionCore server(String suite) {
    AgentSocketConfig c = config(SERVER_ID, suite);
    return new ConnectionCore(
        new ConnectionSettings(c, false, null, false, c.cipherSuites(), true));
  }

  private static CorePair pair(String clientSuite, String serverSuite) {
    return new CorePair(config(CLIENT_ID, clientSuite), config(SERVER_ID, serverSuite));
  }

  private static FailureReason serverRejects(byte[] firstBytes) throws SSLException {
    ConnectionCore s = server(XX);
    s.beginHandshake();
    s.feed(firstBytes, 0, firstBytes.length);
    SSLException e = assertThrows(SSLException.class, s::unwrap);
    return assertInstanceOf(AgentHandshakeException.class, e, e.toString()).reason();
  }

  @Test
  void otherProtocolsAreNotAgentWire() throws SSLException {
    byte[] tls = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(tls));
    byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(http));
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(new byte[] {0, 5, 'X', 'Y', 1, 0, 0}));
  }

  @Test
  void anotherVersionOrUnknownFlagsAreUnsupportedVersions() throws SSLException {
    assertEquals(
        FailureReason.UNSUPPORTED_VERSION, serverRejects(new byte[] {0, 5, 'A', 'W', 2, 0, 0}));
    assertEquals(
        FailureReason.UNSUPPORTED_VERSION, serverRejects(new byte[] {0, 5, 'A', 'W', 1, 1, 0}));
  }

  @Test
  void brokenFramesAndHellosAreMalformed() throws SSLException {
    assertEquals(FailureReason.MALFORMED, serverRejects(new byte[] {0, 0}));
    assertEquals(FailureReason.MALFORMED, serverRejects(new byte[] {0, 5, 'A', 'W', 1, 0, 0}));
    assertEquals(FailureReason.MALFORMED, serverRejects(new byte[] {0, 6, 'A', 'W', 1, 0, 9, 'N'}));
  }

  @Test
  void aProtocolTheServerDoesNotEnableIsRefusedOnBothSides() throws SSLException {
    CorePair p = pair("Noise_XX_25519_AESGCM_SHA256", XX);
    p.client.beginHandshake();
    p.server.beginHandshake();
    IOException serverSide = assertThrows(IOException.class, () -> p.deliver(true));
    assertEquals(Optional.of(FailureReason.PROTOCOL_REFUSED), FailureReason.of(serverSide));
    IOException clientSide = assertThrows(IOException.class, () -> p.deliver(false));
    assertEquals(Optional.of(FailureReason.PROTOCOL_REFUSED), FailureReason.of(clientSide));
  }

  @Test
  void aTamperedHandshakeMessageFailsAuthentication() throws IOException {
    CorePair p = pair(XX, XX);
    p.client.beginHandshake();
    p.server.beginHandshake();
    p.deliver(true);
    p.deliver(false);
    // The client's last handshake message, altered: the server refuses it as unauthentic.
    p.client.outboundArray()[p.client.outboundLength() - 1] ^= 1;
    IOException e = assertThrows(IOException.class, () -> p.deliver(true));
    assertEquals(Optional.of(FailureReason.AUTHENTICATION_FAILED), FailureReason.of(e));
  }

  @Test
  void aTamperedRecordFailsAuthentication() throws IOException {
    CorePair p = pair(XX, XX);
    p.handshake();
    p.client.wrap(new byte[] {1, 2, 3}, 0, 3);
    p.client.outboundArray()[p.client.outboundLength() - 1] ^= 1;
    IOException e = assertThrows(IOException.class, () -> p.deliver(true));
    assertEquals(
        FailureReason.AUTHENTICATION_FAILED,
        assertInstanceOf(AgentConnectionException.class, e).reason());
  }

  @Test
  void aServerKeyTheVerifierRefusesIsPeerUnverified() throws IOException {
    AgentSocketConfig refusing =
        AgentSocketConfig.builder()
            .identity(CLIENT_ID)
            .peerVerifier(PeerVerifier.onlyKey(CLIENT_ID.publicKey()))
            .cipherSuites(XX)
            .build();
    CorePair p = new CorePair(refusing, config(SERVER_ID, XX));
    p.client.beginHandshake();
    p.server.beginHandshake();
    p.deliver(true);
    IOException e = assertThrows(IOException.class, () -> p.deliver(false));
    assertEquals(Optional.of(FailureReason.PEER_UNVERIFIED), FailureReason.of(e), e.toString());
  }

  @Test
  void ofFindsTheReasonBehindWrappersAndNothingElsewhere() {
    AgentHandshakeException cause =
        new AgentHandshakeException(FailureReason.HANDSHAKE_TIMEOUT, "too slow");
    assertEquals(
        Optional.of(FailureReason.HANDSHAKE_TIMEOUT),
        FailureReason.of(new SSLException("the connection failed earlier", cause)));
    assertEquals(Optional.empty(), FailureReason.of(new SSLException("not ours")));
    assertEquals(
        Optional.of(FailureReason.PEER_UNVERIFIED),
        FailureReason.of(new javax.net.ssl.SSLPeerUnverifiedException("refused")));
    assertEquals(Optional.empty(), FailureReason.of(null));
    SSLException a = new SSLException("a");
    SSLException b = new SSLException("b", a);
    a.initCause(b);
    assertEquals(Optional.empty(), FailureReason.of(a), "a cycle of causes ends the search");
  }
}
