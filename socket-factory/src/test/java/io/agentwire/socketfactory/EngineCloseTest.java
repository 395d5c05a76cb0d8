package io.agentwire.socketfactory;

import static io.agentwire.socketfactory.EngineContractTest.random;
import static io.agentwire.socketfactory.EnginePair.XX;
import static io.agentwire.socketfactory.EnginePair.assertClosedQuietly;
import static io.agentwire.socketfactory.EnginePair.clientConfig;
import static io.agentwire.socketfactory.EnginePair.serverConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing engines as the {@code SSLEngine} Javadoc describes it: {@code closeOutbound} makes the
 * next wrap produce the authenticated CLOSE with {@code CLOSED}; the peer's unwrap reports {@code
 * CLOSED} and its inbound is done; {@code closeInbound} is clean only after the peer's CLOSE and is
 * otherwise a truncation; closing during the handshake; and the ALERT a server sends when it
 * refuses the client's key after XX message 3. Engines that have ended keep answering {@code
 * CLOSED} without throwing.
 */
class EngineCloseTest {

  private static void assertReason(FailureReason expected, Throwable e) {
    assertTrue(EnginePair.typed(e), "not a typed failure: " + e);
    assertEquals(expected, FailureReason.of(e).orElseThrow(), e.toString());
  }

  @Test
  void closeOutboundSendsTheCloseAndThePeerSeesClosed() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    SSLEngine c = p.client.engine;
    SSLEngine s = p.server.engine;
    byte[] data = random(4000, 1);
    assertArrayEquals(data, p.transfer(p.client, data));

    c.closeOutbound();
    assertFalse(c.isOutboundDone(), "the CLOSE has not been wrapped yet");
    assertEquals(HandshakeStatus.NEED_WRAP, c.getHandshakeStatus());
    SSLEngineResult r = p.client.wrap(ByteBuffer.wrap(data));
    assertEquals(Status.CLOSED, r.getStatus());
    assertEquals(0, r.bytesConsumed(), "no data after closeOutbound");
    assertTrue(r.bytesProduced() > 0, "the CLOSE record");
    assertTrue(c.isOutboundDone());
    assertFalse(c.isInboundDone(), "a half-close: the server may still send");
    assertEquals(HandshakeStatus.NOT_HANDSHAKING, c.getHandshakeStatus());

    p.server.deliver(Integer.MAX_VALUE);
    r = p.server.unwrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertEquals(0, r.bytesProduced());
    assertEquals(0, p.server.buffered(), "the CLOSE was consumed");
    assertTrue(s.isInboundDone());
    s.closeInbound(); // after the peer's CLOSE: clean
    assertTrue(s.isInboundDone());

    // The other direction still works until the server closes too.
    byte[] reply = random(20000, 2);
    assertArrayEquals(reply, p.transfer(p.server, reply));
    s.closeOutbound();
    r = p.server.wrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertTrue(r.bytesProduced() > 0);
    p.client.deliver(Integer.MAX_VALUE);
    r = p.client.unwrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertTrue(c.isInboundDone());
    c.closeInbound();
    assertClosedQuietly(c);
    assertClosedQuietly(s);
  }

  /** A CLOSE that does not fit the destination waits for a larger one. */
  @Test
  void theCloseOverflowsATooSmallBufferAndStillGoesOut() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    p.client.engine.closeOutbound();
    ByteBuffer tiny = ByteBuffer.allocate(5);
    SSLEngineResult r = p.client.engine.wrap(ByteBuffer.allocate(0), tiny);
    assertEquals(Status.BUFFER_OVERFLOW, r.getStatus());
    assertEquals(0, tiny.position());
    assertFalse(p.client.engine.isOutboundDone());
    assertEquals(Status.CLOSED, p.client.wrap().getStatus());
    p.server.deliver(Integer.MAX_VALUE);
    assertEquals(Status.CLOSED, p.server.unwrap().getStatus());
  }

  /**
   * closeInbound before the peer's CLOSE is a truncation: an SSLException with TRUNCATED, after
   * which both directions are over (no CLOSE goes out, as from SunJSSE) and nothing throws again.
   */
  @Test
  void closeInboundWithoutThePeersCloseIsATruncation() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    byte[] data = random(3000, 3);
    assertArrayEquals(data, p.transfer(p.server, data));
    SSLException e = assertThrows(SSLException.class, p.client.engine::closeInbound);
    assertReason(FailureReason.TRUNCATED, e);
    assertTrue(p.client.engine.isInboundDone());
    SSLEngineResult r = p.client.wrap(ByteBuffer.wrap(data));
    assertEquals(Status.CLOSED, r.getStatus());
    assertEquals(0, r.bytesConsumed());
    assertClosedQuietly(p.client.engine);
    // The server, seeing the stream end without a CLOSE, reports the same.
    e = assertThrows(SSLException.class, p.server.engine::closeInbound);
    assertReason(FailureReason.TRUNCATED, e);
    assertClosedQuietly(p.server.engine);
  }

  /** Closing before anything was sent: nothing goes out, and both directions are over. */
  @Test
  void closingBeforeTheHandshakeEndsTheEngineQuietly() throws Exception {
    EnginePair p = EnginePair.standard();
    SSLEngine c = p.client.engine;
    c.closeOutbound();
    assertTrue(c.isOutboundDone());
    SSLEngineResult r = p.client.wrap(ByteBuffer.wrap(new byte[10]));
    assertEquals(Status.CLOSED, r.getStatus());
    assertEquals(0, r.bytesProduced());
    r = p.client.unwrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertTrue(c.isInboundDone());
    assertThrows(SSLException.class, c::beginHandshake);
    assertClosedQuietly(c);
  }

  /**
   * Closing during the handshake abandons it: the closing side's wraps and unwraps answer CLOSED,
   * and its peer, whose stream then ends, sees a truncation.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void closingDuringTheHandshakeAbandonsIt(boolean clientCloses) throws Exception {
    EnginePair p = new EnginePair(clientConfig().cipherSuites(XX).build(), serverConfig().build());
    p.client.wrap(); // the hello
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap(); // message 2 waits to be wrapped
    EnginePair.End closer = clientCloses ? p.client : p.server;
    EnginePair.End other = closer.peer();
    closer.engine.closeOutbound();
    SSLEngineResult r = closer.wrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertEquals(0, r.bytesProduced(), "nothing of an abandoned handshake goes out");
    assertTrue(closer.engine.isOutboundDone());
    assertEquals(0, closer.finished);
    assertClosedQuietly(closer.engine);
    p.pump();
    assertEquals(0, other.finished);
    SSLException e = assertThrows(SSLException.class, other.engine::closeInbound);
    assertReason(FailureReason.TRUNCATED, e);
    assertClosedQuietly(other.engine);
  }

  /**
   * A server that refuses the client's key, which XX message 3 proves, tells the client in an
   * encrypted ALERT: its unwrap throws (PEER_UNVERIFIED), its next wrap hands out the ALERT with
   * CLOSED, and the client's unwrap throws PEER_ALERT. Data the client sent behind message 3 is
   * never delivered.
   */
  @Test
  void aServerRefusingTheClientAfterMessage3SendsAnAlert() throws Exception {
    AgentIdentity stranger = AgentIdentity.generate();
    EnginePair p =
        new EnginePair(
            clientConfig().cipherSuites(XX).build(),
            serverConfig().peerVerifier(PeerVerifier.onlyKey(stranger.publicKey())).build());
    p.client.wrap();
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap();
    p.server.wrap();
    p.client.deliver(Integer.MAX_VALUE);
    p.client.unwrap();
    SSLEngineResult r = p.client.wrap();
    assertEquals(HandshakeStatus.FINISHED, r.getHandshakeStatus(), "the client is done");
    byte[] secret = random(500, 4);
    assertEquals(secret.length, p.client.wrap(ByteBuffer.wrap(secret)).bytesConsumed());
    p.server.deliver(Integer.MAX_VALUE); // message 3 and the record behind it

    SSLException refused = assertThrows(SSLException.class, p.server::unwrap);
    assertInstanceOf(SSLPeerUnverifiedException.class, refused);
    assertReason(FailureReason.PEER_UNVERIFIED, refused);
    assertTrue(p.server.engine.isInboundDone());
    assertEquals(HandshakeStatus.NEED_WRAP, p.server.engine.getHandshakeStatus(), "the ALERT");
    r = p.server.unwrap();
    assertEquals(Status.CLOSED, r.getStatus(), "the record behind message 3");
    assertEquals(0, p.server.received.size(), "nothing from a refused client is delivered");
    r = p.server.wrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertTrue(r.bytesProduced() > 0, "the ALERT");
    assertTrue(p.server.engine.isOutboundDone());
    assertEquals(0, p.server.finished);
    assertClosedQuietly(p.server.engine);

    p.client.deliver(Integer.MAX_VALUE);
    SSLException alert = assertThrows(SSLException.class, p.client::unwrap);
    assertReason(FailureReason.PEER_ALERT, alert);
    assertTrue(alert.getMessage().contains("peer verification failed"), alert.getMessage());
    assertTrue(p.client.engine.isInboundDone());
    assertEquals(Status.CLOSED, p.client.wrap().getStatus());
    assertClosedQuietly(p.client.engine);
  }

  /** With DH steps under way, closing still ends both directions cleanly. */
  @Test
  void closingWhileDhStepsAreUnderWayIsClean() throws Exception {
    RekeyPolicy eager = RekeyPolicy.of(2, 10_000, Duration.ofMillis(1)).withDhEveryMessages(2);
    EnginePair p =
        new EnginePair(
                clientConfig().rekeyPolicy(eager).build(),
                serverConfig().rekeyPolicy(eager).build())
            .handshake();
    byte[] a = random(200_000, 5);
    byte[] b = random(150_000, 6);
    p.client.send(a);
    p.server.send(b);
    p.client.closeAfterSending = true;
    p.server.closeAfterSending = true;
    p.pump();
    assertArrayEquals(a, p.server.received.toByteArray());
    assertArrayEquals(b, p.client.received.toByteArray());
    for (EnginePair.End e : new EnginePair.End[] {p.client, p.server}) {
      assertTrue(e.engine.isInboundDone() && e.engine.isOutboundDone(), e.name);
      e.engine.closeInbound();
      assertClosedQuietly(e.engine);
    }
  }
}
