package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DH steps on the I/O-free core, in orders the socket tests can hit only by chance. */
class ConnectionCoreDhStepTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();

  private static AgentSocketConfig config(AgentIdentity id) {
    return AgentSocketConfig.builder().identity(id).peerVerifier(PeerVerifier.anyPeer()).build();
  }

  /**
   * The interleaving behind the occasional "a DH step started before the previous one finished" in
   * the full-duplex tests, made deterministic on the I/O-free core. A writer's {@code beforeData}
   * flushes queued control records and then may start a DH step; the reader, between the two, can
   * finish the previous step and queue its KEY_SWITCH. The new KEY_SHARE then goes out before that
   * KEY_SWITCH, and the peer, still awaiting the switch, rejects it. Here the reader's turn is
   * taken at exactly that point: the reply is read, then a step starts ({@code wrapDhStep}, what
   * {@code startDhStep} does in {@code beforeData} and in {@code requestDhStep}), then the queued
   * controls are flushed, as the writer would on its next record.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aDhStepStartedWhileTheLastKeySwitchIsQueuedKeepsTheConnectionWorking() throws Exception {
    CorePair pair = new CorePair(config(CLIENT_ID), config(SERVER_ID));
    pair.handshake();
    ConnectionCore client = pair.client;
    ConnectionCore server = pair.server;

    client.wrapDhStep(); // KEY_SHARE
    pair.deliver(true); // the server queues KEY_SHARE_REPLY
    server.wrapControls();
    pair.deliver(false); // the client's reader finishes the step: KEY_SWITCH queued
    assertTrue(client.hasControls(), "the client owes the server a KEY_SWITCH");
    client.wrapDhStep(); // the writer's startDhStep, before it flushes controls again
    client.wrapControls();
    try {
      pair.deliver(true);
      server.wrapControls();
      pair.deliver(false);
      client.wrapControls();
      pair.deliver(true);
    } catch (javax.net.ssl.SSLException e) {
      throw new AssertionError(
          "a DH step started while the previous step's KEY_SWITCH was still queued broke the"
              + " connection: "
              + e,
          e);
    }
    // Both directions still carry data.
    byte[] ping = new byte[1000];
    new Random(11).nextBytes(ping);
    client.wrap(ping, 0, ping.length);
    assertArrayEquals(ping, pair.deliver(true));
    server.wrap(ping, 0, ping.length);
    assertArrayEquals(ping, pair.deliver(false));
  }
}
