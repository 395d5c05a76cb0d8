package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.Principal;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What one side of a connection saw of the other, taken from its {@link SSLSession} inside the
 * stack's own handler, so that the assertions run on the test thread.
 */
public final class Seen {

  /** The peer as one session showed it. */
  public record Peer(Principal principal, String protocol, String cipherSuite) {

    static Peer of(SSLSession session) {
      Principal principal;
      try {
        principal = session.getPeerPrincipal();
      } catch (SSLPeerUnverifiedException e) {
        principal = null;
      }
      return new Peer(principal, session.getProtocol(), session.getCipherSuite());
    }
  }

  private final BlockingQueue<Peer> peers = new LinkedBlockingQueue<>();

  /** Records {@code session}'s peer; null (a stack that hid the session) is recorded as such. */
  public void record(SSLSession session) {
    peers.add(session == null ? new Peer(null, null, null) : Peer.of(session));
  }

  /** The next peer recorded, waiting up to 10 s for the handler to run. */
  public Peer next() throws InterruptedException {
    Peer p = peers.poll(10, TimeUnit.SECONDS);
    assertNotNull(p, "the server's handler recorded no session within 10 s");
    return p;
  }

  /** Asserts the next recorded peer is {@code security}'s authenticated client. */
  public void assertClient(TransportSecurity security) throws InterruptedException {
    assertPeer(next(), security.clientPrincipal(), security, "the server");
  }

  /** Asserts {@code peer} is {@code expected} over {@code security}'s protocol. */
  public static void assertPeer(
      Peer peer, Principal expected, TransportSecurity security, String side) {
    assertEquals(expected, peer.principal(), side + " saw this peer principal");
    assertEquals(security.sessionProtocol(), peer.protocol(), side + "'s session protocol");
  }
}
