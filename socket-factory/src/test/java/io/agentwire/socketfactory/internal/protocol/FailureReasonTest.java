package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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

  /** A frame: the TLS-shaped header of {@code type}, then {@code body}. */
  static byte[] frame(int type, byte... body) {
    byte[] f = new byte[WireFormat.HEADER_BYTES + body.length];
    header(f, type, WireFormat.LEGACY_VERSION_MAJOR, WireFormat.LEGACY_VERSION_MINOR, body.length);
    System.arraycopy(body, 0, f, WireFormat.HEADER_BYTES, body.length);
    return f;
  }

  static byte[] header(byte[] f, int type, int major, int minor, int length) {
    f[0] = (byte) type;
    f[1] = (byte) major;
    f[2] = (byte) minor;
    f[3] = (byte) (length >>> 8);
    f[4] = (byte) length;
    return f;
  }

  /** The start of a hello body: magic, {@code version}, {@code flags}, then {@code rest}. */
  static byte[] hello(int version, int flags, byte... rest) {
    byte[] b = new byte[4 + rest.length];
    b[0] = WireFormat.MAGIC_0;
    b[1] = WireFormat.MAGIC_1;
    b[2] = (byte) version;
    b[3] = (byte) flags;
    System.arraycopy(rest, 0, b, 4, rest.length);
    return b;
  }

  private static final int HS = WireFormat.TYPE_HANDSHAKE;
  private static final int V = WireFormat.VERSION;

  @Test
  void otherProtocolsAreNotAgentWire() throws SSLException {
    byte[] tls = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(tls));
    // TLS 1.3 may put 3.3 in its first record: the header passes, the body is no 'AW' hello.
    byte[] tls13 = {0x16, 0x03, 0x03, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00};
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(tls13));
    byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(http));
    assertEquals(
        FailureReason.NOT_AGENTWIRE, serverRejects(frame(HS, new byte[] {'X', 'Y', V, 0, 0})));
    // Any other first byte: not a handshake frame, so not an AgentWire client.
    byte[] transport = frame(WireFormat.TYPE_TRANSPORT, new byte[] {1, 2, 3});
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(transport));
    assertEquals(FailureReason.NOT_AGENTWIRE, serverRejects(new byte[] {0, 5, 'X', 'Y', 1}));
  }

  @Test
  void anotherVersionOrUnknownFlagsAreUnsupportedVersions() throws SSLException {
    assertEquals(
        FailureReason.UNSUPPORTED_VERSION, serverRejects(frame(HS, hello(V + 1, 0, (byte) 0))));
    assertEquals(
        FailureReason.UNSUPPORTED_VERSION, serverRejects(frame(HS, hello(V, 1, (byte) 0))));
    // A version 1 hello inside a version 2 frame: the server answers REJECT (version).
    assertEquals(
        FailureReason.UNSUPPORTED_VERSION, serverRejects(frame(HS, hello(1, 0, (byte) 0))));
  }

  /**
   * A version 1 client's first bytes: its u16 frame length, then its hello {@code 'A' 'W' 1}. The
   * server knows them from the first five bytes.
   */
  @Test
  void aVersionOneHelloIsAnUnsupportedVersion() throws SSLException {
    byte[] name = XX.getBytes(StandardCharsets.US_ASCII);
    byte[] v1 = new byte[2 + 5 + name.length + 32];
    v1[0] = 0;
    v1[1] = (byte) (v1.length - 2);
    v1[2] = 'A';
    v1[3] = 'W';
    v1[4] = 1;
    v1[5] = 0;
    v1[6] = (byte) name.length;
    System.arraycopy(name, 0, v1, 7, name.length);
    assertEquals(FailureReason.UNSUPPORTED_VERSION, serverRejects(v1));
    // from the first five bytes alone
    assertEquals(FailureReason.UNSUPPORTED_VERSION, serverRejects(Arrays.copyOf(v1, 5)));
    // whatever its length, even one whose high byte is 22 or a letter
    for (int hi : new int[] {0x01, 0x16, 'A', 0xff}) {
      byte[] longer = v1.clone();
      longer[0] = (byte) hi;
      assertEquals(FailureReason.UNSUPPORTED_VERSION, serverRejects(longer), "length byte " + hi);
    }
  }

  @Test
  void brokenFramesAndHellosAreMalformed() throws SSLException {
    assertEquals(FailureReason.MALFORMED, serverRejects(frame(HS)));
    assertEquals(
        FailureReason.MALFORMED,
        serverRejects(header(new byte[5], HS, 3, 3, WireFormat.MAX_BODY + 1)));
    assertEquals(FailureReason.MALFORMED, serverRejects(header(new byte[5], HS, 3, 3, 0xffff)));
    assertEquals(FailureReason.MALFORMED, serverRejects(header(new byte[5], HS, 2, 3, 40)));
    assertEquals(FailureReason.MALFORMED, serverRejects(header(new byte[5], HS, 4, 3, 40)));
    // an empty name; a name running past the hello
    assertEquals(FailureReason.MALFORMED, serverRejects(frame(HS, hello(V, 0, (byte) 0))));
    assertEquals(
        FailureReason.MALFORMED, serverRejects(frame(HS, hello(V, 0, new byte[] {9, 'N'}))));
    // an extension block running past the frame, and an extension running past its block
    byte[] name = XX.getBytes(StandardCharsets.US_ASCII);
    byte[] pastFrame = Arrays.copyOf(name, name.length + 2 + 32);
    pastFrame[name.length] = 0x01;
    assertEquals(
        FailureReason.MALFORMED,
        serverRejects(frame(HS, hello(V, 0, concat(new byte[] {(byte) name.length}, pastFrame)))));
    byte[] pastBlock = Arrays.copyOf(name, name.length + 2 + 4 + 32);
    pastBlock[name.length + 1] = 4; // ext_len 4: one extension header ...
    pastBlock[name.length + 3] = (byte) WireFormat.EXTENSION_ALPN;
    pastBlock[name.length + 5] = 9; // ... announcing 9 bytes of data
    assertEquals(
        FailureReason.MALFORMED,
        serverRejects(frame(HS, hello(V, 0, concat(new byte[] {(byte) name.length}, pastBlock)))));
  }

  /**
   * After the handshake every frame is a transport frame: a handshake type, another legacy version,
   * or a length of 0 or beyond the largest frame fails the connection as soon as the header
   * arrives, before anything is decrypted.
   */
  @Test
  void transportFrameHeadersAreChecked() throws IOException {
    int t = WireFormat.TYPE_TRANSPORT;
    byte[][] headers = {
      header(new byte[5], HS, 3, 3, 40),
      header(new byte[5], t, 3, 1, 40),
      header(new byte[5], t, 2, 3, 40),
      header(new byte[5], t, 3, 3, 0),
      header(new byte[5], t, 3, 3, WireFormat.MAX_BODY + 1),
      header(new byte[5], 21, 3, 3, 40),
    };
    for (byte[] h : headers) {
      CorePair p = pair(XX, XX);
      p.handshake();
      p.server.feed(h, 0, h.length);
      SSLException e = assertThrows(SSLException.class, p.server::unwrap, Arrays.toString(h));
      assertEquals(
          FailureReason.MALFORMED,
          assertInstanceOf(AgentProtocolException.class, e, e.toString()).reason(),
          Arrays.toString(h));
    }
  }

  @Test
  void applicationProtocolsWithoutOverlapAreRefusedOnBothSides() throws SSLException {
    AgentSocketConfig c = config(CLIENT_ID, XX);
    AgentSocketConfig s = config(SERVER_ID, XX);
    ConnectionCore client =
        new ConnectionCore(
            new ConnectionSettings(
                c, true, "127.0.0.1", false, c.cipherSuites(), true, List.of("h2"), null));
    ConnectionCore server =
        new ConnectionCore(
            new ConnectionSettings(
                s, false, null, false, s.cipherSuites(), true, List.of("http/1.1"), null));
    client.beginHandshake();
    server.beginHandshake();
    server.feed(client.outboundArray(), 0, client.outboundLength());
    SSLException serverSide = assertThrows(SSLException.class, server::unwrap);
    assertEquals(Optional.of(FailureReason.NO_APPLICATION_PROTOCOL), FailureReason.of(serverSide));
    client.outboundDrained();
    client.feed(server.outboundArray(), 0, server.outboundLength());
    SSLException clientSide = assertThrows(SSLException.class, client::unwrap);
    assertEquals(Optional.of(FailureReason.NO_APPLICATION_PROTOCOL), FailureReason.of(clientSide));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
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
