package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import io.agentwire.testsupport.EchoServer;
import io.agentwire.testsupport.MitmProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Application-layer protocol negotiation over sockets ({@code docs/PROTOCOL.md} section 2.6), set
 * through the JSSE API as with TLS: {@link SSLParameters#setApplicationProtocols} on both sides,
 * {@link SSLSocket#setHandshakeApplicationProtocolSelector} on the server, the result in {@link
 * SSLSocket#getApplicationProtocol}. The offer is bound into the prologue, so an attacker who edits
 * it fails the handshake.
 */
@Timeout(60)
class AlpnSocketTest {

  private static final AgentIdentity SERVER = AgentIdentity.generate();
  private static final AgentIdentity CLIENT = AgentIdentity.generate();
  private static final String XX = "Noise_XX_25519_ChaChaPoly_BLAKE2s";

  /** What the server side of one connection saw. */
  static final class ServerSide {
    final BlockingQueue<String> protocols = new ArrayBlockingQueue<>(4);
    final BlockingQueue<List<String>> offers = new ArrayBlockingQueue<>(4);
    final AtomicReference<SSLSocket> selectorSocket = new AtomicReference<>();
    volatile String beforeHandshake = "unset";
  }

  private static AgentSocketConfig config(AgentIdentity id) {
    return AgentSocketConfig.builder()
        .identity(id)
        .peerVerifier(PeerVerifier.anyPeer())
        .cipherSuites(XX)
        .build();
  }

  /**
   * A server whose accepted sockets get {@code protocols} (null: none set) and {@code selector}
   * (null: none), and that records the application protocol each handshake chose.
   */
  private static EchoServer server(
      String[] protocols, BiFunction<SSLSocket, List<String>, String> selector, ServerSide seen)
      throws IOException {
    return new EchoServer(
        new AgentServerSocketFactory(config(SERVER)),
        s -> {
          SSLSocket ssl = (SSLSocket) s;
          if (protocols != null) {
            SSLParameters p = ssl.getSSLParameters();
            p.setApplicationProtocols(protocols);
            ssl.setSSLParameters(p);
          }
          if (selector != null) {
            ssl.setHandshakeApplicationProtocolSelector(
                (sock, offered) -> {
                  seen.selectorSocket.set(sock);
                  seen.offers.add(List.copyOf(offered));
                  return selector.apply(sock, offered);
                });
          }
          seen.beforeHandshake = ssl.getApplicationProtocol();
          ssl.startHandshake();
          seen.protocols.add(ssl.getApplicationProtocol());
          EchoServer.ECHO.serve(s);
        });
  }

  private static SSLSocket client(int port, String... offer) throws IOException {
    SSLSocket s = (SSLSocket) new AgentSocketFactory(config(CLIENT)).createSocket();
    if (offer.length > 0) {
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(offer);
      s.setSSLParameters(p);
    }
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** Handshakes with {@code offer}, checks both ends chose {@code expected} and carry data. */
  private static ServerSide negotiate(
      String[] serverProtocols,
      BiFunction<SSLSocket, List<String>, String> selector,
      String expected,
      String... offer)
      throws Exception {
    ServerSide seen = new ServerSide();
    try (EchoServer es = server(serverProtocols, selector, seen);
        SSLSocket s = client(es.port(), offer)) {
      assertNull(s.getApplicationProtocol(), "no handshake yet");
      s.startHandshake();
      assertEquals(expected, s.getApplicationProtocol(), "client");
      assertEquals(expected, seen.protocols.poll(10, TimeUnit.SECONDS), "server");
      assertNull(seen.beforeHandshake, "the server's before its handshake");
      SocketPatternsTest.exchange(s, 1000);
      es.awaitEnded(1);
      assertEquals(List.of(), es.failures);
    }
    return seen;
  }

  @Test
  void theServerChoosesItsFirstProtocolThatTheClientOffered() throws Exception {
    negotiate(new String[] {"http/1.1", "h2"}, null, "http/1.1", "h2", "http/1.1");
    negotiate(new String[] {"h2", "http/1.1"}, null, "h2", "h2", "http/1.1");
  }

  @Test
  void noOfferOrNoServerProtocolsSelectNone() throws Exception {
    negotiate(new String[] {"h2"}, null, "");
    negotiate(null, null, "", "h2");
    negotiate(null, null, "");
  }

  @Test
  void theServersSelectorDecidesFromTheOfferInTheClientsOrder() throws Exception {
    ServerSide seen =
        negotiate(new String[] {"http/1.1"}, (sock, offered) -> "h2", "h2", "h2", "http/1.1");
    assertEquals(List.of("h2", "http/1.1"), seen.offers.poll());
    assertNotNull(seen.selectorSocket.get(), "the selector was called with the server's socket");
    assertEquals(Optional.empty(), Optional.ofNullable(seen.offers.poll()), "called once");
  }

  @Test
  void aSelectorAnsweringEmptySelectsNone() throws Exception {
    ServerSide seen = negotiate(new String[] {"h2"}, (sock, offered) -> "", "", "h2", "http/1.1");
    assertEquals(List.of("h2", "http/1.1"), seen.offers.poll());
  }

  @Test
  void noOverlapFailsBothSidesWithNoApplicationProtocol() throws Exception {
    refused(new String[] {"http/1.1"}, null, "h2");
  }

  @Test
  void aSelectorAnsweringNullOrANameNotOfferedRefusesOnBothSides() throws Exception {
    refused(new String[] {"h2"}, (sock, offered) -> null, "h2");
    refused(null, (sock, offered) -> "spdy/3", "h2");
  }

  private static void refused(
      String[] serverProtocols, BiFunction<SSLSocket, List<String>, String> selector, String offer)
      throws Exception {
    ServerSide seen = new ServerSide();
    try (EchoServer es = server(serverProtocols, selector, seen);
        SSLSocket s = client(es.port(), offer)) {
      AgentHandshakeException client =
          assertThrows(AgentHandshakeException.class, s::startHandshake);
      assertEquals(FailureReason.NO_APPLICATION_PROTOCOL, client.reason(), client.getMessage());
      assertNull(s.getApplicationProtocol());
      es.awaitEnded(1);
      assertEquals(1, es.failures.size(), "server failures: " + es.failures);
      AgentHandshakeException server =
          assertInstanceOf(AgentHandshakeException.class, es.failures.get(0));
      assertEquals(FailureReason.NO_APPLICATION_PROTOCOL, server.reason(), server.getMessage());
    }
  }

  // ------------------------------------------------------------------ a tampered offer

  /**
   * An attacker rewrites one byte of the ALPN offer in the clear hello, so that a server preferring
   * h2 answers http/1.1, which the client offered too: without the prologue binding both sides
   * would accept the downgrade. The client's handshake fails authentication instead, and no data
   * crosses.
   */
  @Test
  void aManInTheMiddleWhoEditsTheOfferFailsTheHandshake() throws Exception {
    AtomicReference<byte[]> original = new AtomicReference<>();
    ServerSide seen = new ServerSide();
    // The server prefers h2; its selector says so, and shows what offer reached it.
    BiFunction<SSLSocket, List<String>, String> prefersH2 =
        (sock, offered) ->
            offered.contains("h2") ? "h2" : offered.contains("http/1.1") ? "http/1.1" : null;
    try (EchoServer es = server(new String[] {"h2", "http/1.1"}, prefersH2, seen);
        MitmProxy proxy =
            new MitmProxy(
                es.port(),
                HostileInputTest.frames(
                    (i, f) -> {
                      if (i != 0) {
                        return List.of(f);
                      }
                      original.set(f);
                      byte[] g = f.clone();
                      g[firstNameOffset(f) + 1] = '3'; // "h2" -> "h3"
                      return List.of(g);
                    }),
                MitmProxy.pass());
        SSLSocket s = client(proxy.port(), "h2", "http/1.1")) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class, s::startHandshake);
      assertEquals(
          Optional.of(FailureReason.AUTHENTICATION_FAILED), FailureReason.of(e), e.getMessage());
      assertNull(s.getApplicationProtocol());
      // The edit hit what it meant to: the first offered name, "h2", in the ALPN extension.
      byte[] hello = original.get();
      int at = firstNameOffset(hello);
      int extension = at - 1 - WireFormat.EXTENSION_HEADER;
      assertEquals(
          WireFormat.EXTENSION_ALPN,
          ((hello[extension] & 0xff) << 8) | (hello[extension + 1] & 0xff),
          Arrays.toString(hello));
      assertEquals(
          "h2", new String(hello, at, hello[at - 1], StandardCharsets.US_ASCII), "first name");
      // The server saw the tampered offer, so it answered the downgrade, http/1.1 ...
      assertEquals(List.of("h3", "http/1.1"), seen.offers.poll(10, TimeUnit.SECONDS));
      // ... and its handshake went nowhere.
      es.awaitEnded(1);
      assertEquals(1, es.failures.size(), "the server's handshake failed: " + es.failures);
      assertNull(seen.protocols.poll(), "the server completed no handshake");
    }
  }

  /**
   * The offset of the first application protocol name in a client's first frame: after the frame
   * header, the hello's fixed part and name, the extension block's length, the ALPN extension's
   * type and length, and the name's u8 length (PROTOCOL.md 2.6: the names follow one another).
   */
  private static int firstNameOffset(byte[] frame) {
    int nameLength = frame[WireFormat.HEADER_BYTES + WireFormat.HELLO_FIXED - 1] & 0xff;
    return WireFormat.HEADER_BYTES
        + WireFormat.HELLO_FIXED
        + nameLength
        + WireFormat.EXTENSIONS_LENGTH_BYTES
        + WireFormat.EXTENSION_HEADER
        + 1;
  }
}
