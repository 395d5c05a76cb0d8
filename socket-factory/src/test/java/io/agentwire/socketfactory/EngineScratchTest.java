package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/**
 * The engines' per-thread scratch arrays never carry one connection's bytes to another: not when a
 * caller's destinations take less than their summed {@code remaining()} promised (the same buffer
 * twice), so part of a record is left undelivered, and not when code an engine calls back (an ALPN
 * selector) drives another engine on the same thread while the first is still reading its frame.
 */
class EngineScratchTest {

  private static byte[] filled(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  @Test
  void plaintextLeftBehindByAliasedDestinationsStaysWithItsEngine() throws Exception {
    EnginePair a = EnginePair.standard().handshake();
    EnginePair b = EnginePair.standard().handshake();

    // Engine A's record: the same 10000-byte buffer twice looks like room for 20000 bytes, so the
    // engine opens the record, but only 10000 bytes fit; 6000 wait for the next unwrap.
    byte[] secretA = filled(16000, 'A');
    ByteBuffer netA = ByteBuffer.wrap(a.wrapAlone(a.client, secretA));
    ByteBuffer half = ByteBuffer.allocate(10000);
    SSLEngineResult r = a.server.engine.unwrap(netA, new ByteBuffer[] {half, half});
    assertEquals(Status.OK, r.getStatus(), r.toString());
    assertEquals(10000, r.bytesProduced(), r.toString());

    // Engine B, another connection, on the same thread, is left with part of a record the same way.
    byte[] secretB = filled(16000, 'B');
    ByteBuffer netB = ByteBuffer.wrap(b.wrapAlone(b.client, secretB));
    ByteBuffer most = ByteBuffer.allocate(9000);
    r = b.server.engine.unwrap(netB, new ByteBuffer[] {most, most});
    assertEquals(9000, r.bytesProduced(), r.toString());

    // Each engine then hands out the rest of its own record: its own bytes, never the other's.
    ByteBuffer rest = ByteBuffer.allocate(16384);
    r = a.server.engine.unwrap(ByteBuffer.allocate(0), rest);
    assertEquals(6000, r.bytesProduced(), r.toString());
    rest.flip();
    assertArrayEquals(filled(6000, 'A'), EnginePair.bytes(rest));
    rest.clear();
    r = b.server.engine.unwrap(ByteBuffer.allocate(0), rest);
    assertEquals(7000, r.bytesProduced(), r.toString());
    rest.flip();
    assertArrayEquals(filled(7000, 'B'), EnginePair.bytes(rest));

    // And both connections carry on.
    byte[] more = filled(3000, 'C');
    assertArrayEquals(more, a.transfer(a.client, more));
    assertArrayEquals(more, b.transfer(b.client, more));
  }

  @Test
  void anAlpnSelectorDrivingAnotherEngineLeavesTheFrameBeingReadIntact() throws Exception {
    EnginePair other = EnginePair.standard();
    other.client.direct = true;
    other.server.direct = true;
    other.handshake();
    byte[] data = filled(16000, 'D');
    SSLEngine server = EnginePair.serverEngine(EnginePair.serverConfig().build());
    server.setHandshakeApplicationProtocolSelector(
        (engine, offered) -> {
          try {
            assertArrayEquals(data, other.transfer(other.client, data));
            assertArrayEquals(data, other.transfer(other.server, data));
          } catch (SSLException e) {
            throw new IllegalStateException(e);
          }
          return offered.isEmpty() ? "" : offered.get(0);
        });
    SSLEngine client = EnginePair.clientEngine(EnginePair.clientConfig().build());
    SSLParameters p = client.getSSLParameters();
    p.setApplicationProtocols(new String[] {"h2"});
    client.setSSLParameters(p);
    EnginePair pair = new EnginePair(client, server);
    pair.client.direct = true;
    pair.server.direct = true;
    pair.handshake();
    assertEquals("h2", client.getApplicationProtocol());
    assertEquals("h2", server.getApplicationProtocol());
    assertArrayEquals(data, pair.transfer(pair.client, data));
  }
}
