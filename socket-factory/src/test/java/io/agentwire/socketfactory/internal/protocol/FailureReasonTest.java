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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  private static ConnectionCore client(String suite) {
    AgentSocketConfig c = config(CLIENT_ID, suite);
    return new ConnectionCore(
        new ConnectionSettings(c, true, "127.0.0.1", false, c.cipherSuites(), true));
  }

  /** Moves what {@code from} wrote into {@code to} and lets {@code to} process it. */
  private static void send(ConnectionCore from, ConnectionCore to) throws SSLException {
    byte[] bytes = Arrays.copyOf(from.outboundArray(), from.outboundLength());
    from.outboundDrained();
    to.feed(bytes, 0, bytes.length);
    while (to.plainAvailable() == 0 && to.unwrap() != ConnectionCore.Event.NEED_INPUT) {
      // one frame at a time
    }
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
    ConnectionCore c = client("Noise_XX_25519_AESGCM_SHA256");
    ConnectionCore s = server(XX);
    c.beginHandshake();
    s.beginHandshake();
    SSLException serverSide = assertThrows(SSLException.class, () -> send(c, s));
    assertEquals(Optional.of(FailureReason.PROTOCOL_REFUSED), FailureReason.of(serverSide));
    SSLException clientSide = assertThrows(SSLException.class, () -> send(s, c));
    assertEquals(Optional.of(FailureReason.PROTOCOL_REFUSED), FailureReason.of(clientSide));
  }

  @Test
  void aTamperedRecordFailsAuthenticationAndATamperedHandshakeToo() throws SSLException {
    ConnectionCore c = client(XX);
    ConnectionCore s = server(XX);
    c.beginHandshake();
    s.beginHandshake();
    send(c, s);
    send(s, c);
    // The client's last handshake message, altered: the server refuses it as unauthentic.
    c.outboundArray()[c.outboundLength() - 1] ^= 1;
    SSLException handshake = assertThrows(SSLException.class, () -> send(c, s));
    assertEquals(Optional.of(FailureReason.AUTHENTICATION_FAILED), FailureReason.of(handshake));

    ConnectionCore c2 = client(XX);
    ConnectionCore s2 = server(XX);
    c2.beginHandshake();
    s2.beginHandshake();
    send(c2, s2);
    send(s2, c2);
    send(c2, s2);
    c2.wrap(new byte[] {1, 2, 3}, 0, 3);
    c2.outboundArray()[c2.outboundLength() - 1] ^= 1;
    SSLException record = assertThrows(SSLException.class, () -> send(c2, s2));
    assertEquals(
        FailureReason.AUTHENTICATION_FAILED,
        assertInstanceOf(AgentConnectionException.class, record).reason());
  }

  @Test
  void ofFindsTheReasonBehindWrappersAndNothingElsewhere() {
    AgentHandshakeException cause =
        new AgentHandshakeException(FailureReason.HANDSHAKE_TIMEOUT, "too slow");
    assertEquals(
        Optional.of(FailureReason.HANDSHAKE_TIMEOUT),
        FailureReason.of(new SSLException("the connection failed earlier", cause)));
    assertEquals(Optional.empty(), FailureReason.of(new SSLException("not ours")));
    assertEquals(Optional.empty(), FailureReason.of(null));
  }
}
