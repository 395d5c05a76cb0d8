package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Section 4: a DATA record carries at most 16384 application bytes, and a receiver holds the peer
 * to it. An engine sizes its destination check by that bound ({@code maxDeliverable}) before it
 * decrypts, so a record the bound does not cover would be delivered only in part.
 */
class DataRecordLimitTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();

  private static AgentSocketConfig config(AgentIdentity id, int padding) {
    return AgentSocketConfig.builder()
        .identity(id)
        .peerVerifier(PeerVerifier.anyPeer())
        .padding(padding)
        .build();
  }

  /** A record that fits a frame but carries more than 16384 bytes is malformed. */
  @Test
  void aDataRecordOverTheLimitIsRefused() throws Exception {
    CorePair pair = new CorePair(config(CLIENT_ID, 0), config(SERVER_ID, 0));
    pair.handshake();
    // A sender that ignores the limit: the client's own keys, sealing 16385 bytes in one record.
    RecordLayer rogue =
        new RecordLayer(pair.client.transport(), config(CLIENT_ID, 0), Framing.AGENTWIRE, true);
    byte[] content = new byte[WireFormat.MAX_DATA + 1];
    byte[] frame = new byte[Framing.AGENTWIRE.maxFrame()];
    int n = rogue.sealData(content, 0, content.length, frame, 0);
    pair.server.feed(frame, 0, n);
    AgentProtocolException e = assertThrows(AgentProtocolException.class, pair.server::unwrap);
    assertEquals(FailureReason.MALFORMED, e.reason());
    assertEquals(0, pair.server.plainAvailable(), "nothing of it is delivered");
  }

  /**
   * The bound an engine checks its destination against covers every record a peer may send,
   * whatever this side's padding (which shrinks only its own records), and never exceeds an
   * engine's application buffer size.
   */
  @Test
  void maxDeliverableCoversThePeersLargestRecord() throws Exception {
    for (int padding : new int[] {0, 1, 7, 256, 8312, 10000, 16384}) {
      CorePair pair = new CorePair(config(CLIENT_ID, 0), config(SERVER_ID, padding));
      pair.handshake();
      byte[] data = new byte[WireFormat.MAX_DATA];
      new Random(padding).nextBytes(data);
      pair.client.wrap(data, 0, data.length);
      byte[] frame = Arrays.copyOf(pair.client.outboundArray(), pair.client.outboundLength());
      pair.client.outboundDrained();
      int bound = pair.server.maxDeliverable(pair.server.frameSize(frame, 0));
      assertEquals(data.length, bound, "padding " + padding);
      assertTrue(
          bound <= ConnectionCore.applicationBufferSize(config(SERVER_ID, padding)),
          "an application buffer holds it");
      pair.server.feed(frame, 0, frame.length);
      assertEquals(ConnectionCore.Event.DATA, pair.server.unwrap());
      byte[] got = new byte[pair.server.plainAvailable()];
      pair.server.readPlain(got, 0, got.length);
      assertArrayEquals(data, got);
    }
  }
}
