package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md sections 6 and 7: a version 2 server recognises a version 1 hello ({@code u16 length
 * || 'A' 'W' 0x01 ...}) from its first five bytes and fails with {@code UNSUPPORTED_VERSION}.
 */
class VersionOneRecognitionTest {

  private static final String XX = "Noise_XX_25519_ChaChaPoly_BLAKE2s";

  private static AgentHandshakeException serverRejects(byte[] firstBytes) throws SSLException {
    AgentSocketConfig c =
        AgentSocketConfig.builder()
            .identity(AgentIdentity.generate())
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites(XX)
            .build();
    ConnectionCore s =
        new ConnectionCore(new ConnectionSettings(c, false, null, false, c.cipherSuites(), true));
    s.beginHandshake();
    s.feed(firstBytes, 0, firstBytes.length);
    SSLException e = assertThrows(SSLException.class, s::unwrap);
    return assertInstanceOf(AgentHandshakeException.class, e, e.toString());
  }

  /** A version 1 client's hello for {@code suite}: its u16 frame length, then 'A' 'W' 1 0. */
  private static byte[] versionOneHello(String suite) {
    byte[] name = suite.getBytes(StandardCharsets.US_ASCII);
    int body = 5 + name.length + 32; // hello header, then XX message 1 (e)
    byte[] frame = new byte[2 + body];
    frame[0] = (byte) (body >>> 8);
    frame[1] = (byte) body;
    frame[2] = 'A';
    frame[3] = 'W';
    frame[4] = 1;
    frame[5] = 0;
    frame[6] = (byte) name.length;
    System.arraycopy(name, 0, frame, 7, name.length);
    return frame;
  }

  @Test
  void aVersionOneHelloIsAnUnsupportedVersion() throws SSLException {
    AgentHandshakeException e = serverRejects(versionOneHello(XX));
    assertEquals(FailureReason.UNSUPPORTED_VERSION, e.reason(), e.getMessage());
  }

  @Test
  void aLongVersionOneHelloToo() throws SSLException {
    // A u16 length whose high byte is an ASCII capital still names version 1, not plain text.
    byte[] frame = new byte[0x4100 + 2];
    frame[0] = 0x41;
    frame[1] = 0x00;
    frame[2] = 'A';
    frame[3] = 'W';
    frame[4] = 1;
    assertEquals(FailureReason.UNSUPPORTED_VERSION, serverRejects(frame).reason());
  }
}
