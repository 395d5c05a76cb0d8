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

  /** Asserts the next peer a server recorded is {@code security}'s authenticated client. */
  public void assertClient(TransportSecurity security) throws InterruptedException {
    Peer peer = next();
    assertEquals(security.clientPrincipal(), peer.principal(), "the server saw this client");
    assertEquals(
        security.serverSessionProtocol(), peer.protocol(), "the server's session protocol");
  }

  /** Asserts {@code peer}, as a client's session showed it, is {@code security}'s server. */
  public static void assertServer(Peer peer, TransportSecurity security) {
    assertEquals(security.serverPrincipal(), peer.principal(), "the client saw this server");
    assertEquals(
        security.clientSessionProtocol(), peer.protocol(), "the client's session protocol");
  }
}
