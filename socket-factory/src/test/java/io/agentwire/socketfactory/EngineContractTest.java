package io.agentwire.socketfactory;

import static io.agentwire.socketfactory.EnginePair.CLIENT;
import static io.agentwire.socketfactory.EnginePair.HOST;
import static io.agentwire.socketfactory.EnginePair.IK;
import static io.agentwire.socketfactory.EnginePair.PORT;
import static io.agentwire.socketfactory.EnginePair.SERVER;
import static io.agentwire.socketfactory.EnginePair.XX;
import static io.agentwire.socketfactory.EnginePair.bytes;
import static io.agentwire.socketfactory.EnginePair.clientConfig;
import static io.agentwire.socketfactory.EnginePair.clientEngine;
import static io.agentwire.socketfactory.EnginePair.serverConfig;
import static io.agentwire.socketfactory.EnginePair.serverEngine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.agentwire.socketfactory.identity.AgentKeys;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.protocol.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code javax.net.ssl.SSLEngine} contract, clause by clause from its Javadoc, on AgentWire
 * engines joined in memory ({@link EnginePair}): handshake status transitions and {@code FINISHED}
 * for every kind of pattern, the implicit handshake, no renegotiation, {@code BUFFER_UNDERFLOW} and
 * {@code BUFFER_OVERFLOW} that consume nothing and advance no nonce, one record per unwrap, exact
 * accounting, untouched sources, buffer kinds and argument checks, data right behind the last
 * handshake message, sessions and buffer sizes, and ALPN.
 */
class EngineContractTest {

  private static final String NN = "Noise_NN_25519_ChaChaPoly_BLAKE2s";
  private static final String KK = "Noise_KK_25519_ChaChaPoly_BLAKE2s";
  private static final String XK1 = "Noise_XK1_25519_ChaChaPoly_BLAKE2s";
  private static final String THREE =
      "c:wrap:NEED_UNWRAP s:unwrap:NEED_WRAP s:wrap:NEED_UNWRAP"
          + " c:unwrap:NEED_WRAP c:wrap:FINISHED s:unwrap:FINISHED";
  private static final String TWO =
      "c:wrap:NEED_UNWRAP s:unwrap:NEED_WRAP s:wrap:FINISHED c:unwrap:FINISHED";

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  // ------------------------------------------------------------------ handshake statuses

  /** A pattern, how to make its engines, and the steps its handshake must take. */
  static final class Case {
    final String suite;
    final Supplier<SSLEngine> client;
    final Supplier<SSLEngine> server;
    final String steps;
    final PublicKey clientSees; // the server key the client's session names, or null
    final PublicKey serverSees;
    final String clientSeesName;

    Case(
        String suite,
        Supplier<SSLEngine> client,
        Supplier<SSLEngine> server,
        String steps,
        PublicKey clientSees,
        PublicKey serverSees,
        String clientSeesName) {
      this.suite = suite;
      this.client = client;
      this.server = server;
      this.steps = steps;
      this.clientSees = clientSees;
      this.serverSees = serverSees;
      this.clientSeesName = clientSeesName;
    }

    @Override
    public String toString() {
      return suite;
    }
  }

  static Stream<Arguments> patterns() throws Exception {
    PeerTrustStore pins = PeerTrustStore.inMemory(false);
    pins.pin(HOST, SERVER.publicKey());
    AgentSocketConfig pinned =
        AgentSocketConfig.builder().identity(CLIENT).peerVerifier(pins).build();
    AgentSocketConfig anonymous =
        AgentSocketConfig.builder()
            .anonymousPeers(true)
            .peerVerifier(PeerVerifier.anyPeer())
            .cipherSuites(NN)
            .build();
    return Stream.of(
        arguments(
            "XX",
            new Case(
                XX,
                () -> clientEngine(clientConfig().cipherSuites(XX).build()),
                () -> serverEngine(serverConfig().build()),
                THREE,
                SERVER.publicKey(),
                CLIENT.publicKey(),
                null)),
        arguments(
            "IK, server key pinned for the host, endpoint identification HTTPS",
            new Case(
                IK,
                () -> {
                  SSLEngine e =
                      AgentWireJsseProvider.newContext(pinned).createSSLEngine(HOST, PORT);
                  e.setUseClientMode(true);
                  assertEquals("HTTPS", e.getSSLParameters().getEndpointIdentificationAlgorithm());
                  return e;
                },
                () -> serverEngine(serverConfig().build()),
                TWO,
                SERVER.publicKey(),
                CLIENT.publicKey(),
                HOST)),
        arguments(
            "IK, server key from AgentSocketConfig.peerKey",
            new Case(
                IK,
                () ->
                    clientEngine(
                        clientConfig()
                            .peerVerifier(PeerVerifier.anyPeer())
                            .peerKey(SERVER.publicKey())
                            .build()),
                () -> serverEngine(serverConfig().build()),
                TWO,
                SERVER.publicKey(),
                CLIENT.publicKey(),
                null)),
        arguments(
            "NN, anonymous peers",
            new Case(
                NN,
                () -> clientEngine(anonymous),
                () -> serverEngine(anonymous),
                TWO,
                null,
                null,
                null)),
        arguments(
            "KK",
            new Case(
                KK,
                () ->
                    clientEngine(
                        clientConfig().peerKey(SERVER.publicKey()).cipherSuites(KK).build()),
                () -> serverEngine(serverConfig().cipherSuites(KK).build()),
                TWO,
                SERVER.publicKey(),
                CLIENT.publicKey(),
                null)),
        arguments(
            "XK1, deferred",
            new Case(
                XK1,
                () -> clientEngine(clientConfig().cipherSuites(XK1).build()),
                () -> serverEngine(serverConfig().cipherSuites(XK1).build()),
                THREE,
                SERVER.publicKey(),
                CLIENT.publicKey(),
                null)));
  }

  /**
   * Drives the handshake one call at a time, as the status asks: NOT_HANDSHAKING before {@code
   * beginHandshake}, the client NEED_WRAP and the server NEED_UNWRAP after it, NEED_UNWRAP with
   * {@code BUFFER_UNDERFLOW} while a side waits (a wrap then produces nothing), every result's
   * status equal to {@code getHandshakeStatus()} afterwards except FINISHED, which comes once per
   * side from the call that completes its handshake, then NOT_HANDSHAKING; no delegated task.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patterns")
  void handshakeStatusesFollowTheContract(String label, Case c) throws Exception {
    EnginePair p = new EnginePair(c.client.get(), c.server.get());
    for (EnginePair.End e : List.of(p.client, p.server)) {
      assertEquals(HandshakeStatus.NOT_HANDSHAKING, e.engine.getHandshakeStatus());
      assertNull(e.engine.getHandshakeSession(), "no handshake in progress yet");
      assertEquals("SSL_NULL_WITH_NULL_NULL", e.engine.getSession().getCipherSuite());
      assertFalse(e.engine.getSession().isValid());
      assertNull(e.engine.getDelegatedTask());
    }
    p.client.engine.beginHandshake();
    p.server.engine.beginHandshake();
    p.client.engine.beginHandshake(); // again, during the handshake: no effect
    assertEquals(HandshakeStatus.NEED_WRAP, p.client.engine.getHandshakeStatus());
    assertEquals(HandshakeStatus.NEED_UNWRAP, p.server.engine.getHandshakeStatus());

    List<String> steps = new ArrayList<>();
    for (int round = 0; round < 10 && (p.client.finished == 0 || p.server.finished == 0); round++) {
      boolean moved = false;
      for (EnginePair.End e : List.of(p.client, p.server)) {
        if (e.finished == 1) {
          assertEquals(HandshakeStatus.NOT_HANDSHAKING, e.engine.getHandshakeStatus());
          assertNull(e.engine.getHandshakeSession(), e.name + ": the handshake is over");
          continue;
        }
        assertNotNull(e.engine.getHandshakeSession(), e.name + ": a handshake is in progress");
        HandshakeStatus before = e.engine.getHandshakeStatus();
        SSLEngineResult r;
        String op;
        if (before == HandshakeStatus.NEED_WRAP) {
          r = e.wrap();
          op = "wrap";
          assertTrue(r.bytesProduced() > 0, e.name + " wrapped nothing: " + r);
          e.peer().deliver(Integer.MAX_VALUE);
        } else {
          assertEquals(HandshakeStatus.NEED_UNWRAP, before, e.name);
          if (e.buffered() == 0) {
            SSLEngineResult u = e.unwrap();
            assertEquals(Status.BUFFER_UNDERFLOW, u.getStatus(), e.name + " waiting: " + u);
            assertEquals(HandshakeStatus.NEED_UNWRAP, u.getHandshakeStatus());
            assertEquals(0, u.bytesConsumed() + u.bytesProduced());
            SSLEngineResult w = e.wrap();
            assertEquals(Status.OK, w.getStatus());
            assertEquals(0, w.bytesConsumed() + w.bytesProduced(), e.name + " waiting: " + w);
            assertEquals(HandshakeStatus.NEED_UNWRAP, w.getHandshakeStatus());
            continue;
          }
          int frame = e.buffered();
          r = e.unwrap();
          op = "unwrap";
          assertEquals(frame, r.bytesConsumed(), e.name + " consumes the whole message");
          assertEquals(0, r.bytesProduced());
        }
        moved = true;
        assertEquals(Status.OK, r.getStatus(), e.name + " " + op + ": " + r);
        steps.add((e.isClient ? "c:" : "s:") + op + ":" + r.getHandshakeStatus());
        HandshakeStatus after = e.engine.getHandshakeStatus();
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
          assertEquals(HandshakeStatus.NOT_HANDSHAKING, after, e.name + " after FINISHED");
        } else {
          assertEquals(r.getHandshakeStatus(), after, e.name + " " + op);
        }
        if (e.isClient && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          // A result asking for a wrap: an unwrap first does nothing (OK, or an underflow once
          // the core is done and would read transport frames).
          SSLEngineResult u = e.unwrap();
          assertTrue(
              u.getStatus() == Status.OK || u.getStatus() == Status.BUFFER_UNDERFLOW, u.toString());
          assertEquals(0, u.bytesConsumed() + u.bytesProduced());
          assertEquals(HandshakeStatus.NEED_WRAP, u.getHandshakeStatus());
        }
      }
      assertTrue(moved, "no side could move: " + steps);
    }
    assertEquals(c.steps, String.join(" ", steps));
    assertEquals(1, p.client.finished);
    assertEquals(1, p.server.finished);
    for (EnginePair.End e : List.of(p.client, p.server)) {
      assertEquals(HandshakeStatus.NOT_HANDSHAKING, e.engine.getHandshakeStatus());
      assertNull(e.engine.getDelegatedTask());
      SSLSession s = e.engine.getSession();
      assertTrue(s.isValid());
      assertEquals(c.suite, s.getCipherSuite());
      assertEquals("AgentWire/2", s.getProtocol());
      assertPeer(e.isClient ? c.clientSees : c.serverSees, s);
      // Wrap and unwrap with nothing to do report NOT_HANDSHAKING, never FINISHED again.
      SSLEngineResult w = e.wrap();
      assertEquals(HandshakeStatus.NOT_HANDSHAKING, w.getHandshakeStatus());
      SSLEngineResult u = e.unwrap();
      assertEquals(Status.BUFFER_UNDERFLOW, u.getStatus());
      assertEquals(HandshakeStatus.NOT_HANDSHAKING, u.getHandshakeStatus());
    }
    if (c.clientSeesName != null) {
      assertEquals(c.clientSeesName, p.client.engine.getSession().getPeerPrincipal().getName());
    }
    assertArrayEquals(
        p.client.engine.getSession().getId(), p.server.engine.getSession().getId(), "one session");
    byte[] data = random(3000, 1);
    assertArrayEquals(data, p.transfer(p.client, data));
    assertArrayEquals(data, p.transfer(p.server, data));
  }

  private static void assertPeer(PublicKey expected, SSLSession s) throws Exception {
    if (expected == null) {
      assertThrows(SSLPeerUnverifiedException.class, s::getPeerPrincipal);
      return;
    }
    AgentPrincipal peer = assertInstanceOf(AgentPrincipal.class, s.getPeerPrincipal());
    assertArrayEquals(AgentKeys.raw(expected), AgentKeys.raw(peer.publicKey()));
  }

  // ------------------------------------------------------------------ implicit handshake

  /** The first wrap starts the client's handshake and the first unwrap the server's. */
  @Test
  void theFirstWrapOrUnwrapStartsTheHandshake() throws Exception {
    EnginePair p = EnginePair.standard();
    byte[] data = random(5000, 2);
    ByteBuffer src = ByteBuffer.wrap(data);
    SSLEngineResult r = p.client.wrap(src);
    assertEquals(Status.OK, r.getStatus());
    assertEquals(0, r.bytesConsumed(), "the hello goes first");
    assertTrue(r.bytesProduced() > 0);
    assertEquals(HandshakeStatus.NEED_UNWRAP, r.getHandshakeStatus());
    p.server.deliver(Integer.MAX_VALUE);
    r = p.server.unwrap();
    assertEquals(Status.OK, r.getStatus());
    assertTrue(r.bytesConsumed() > 0);
    assertEquals(HandshakeStatus.NEED_WRAP, r.getHandshakeStatus());
    p.client.outgoing.add(new ByteBuffer[] {src});
    p.pump();
    assertEquals(1, p.client.finished);
    assertEquals(1, p.server.finished);
    assertArrayEquals(data, p.server.received.toByteArray());
  }

  /** A client whose first call is an unwrap starts too, and asks to wrap its hello. */
  @Test
  void aClientsFirstUnwrapStartsTheHandshakeAndAsksForAWrap() throws Exception {
    EnginePair p = EnginePair.standard();
    SSLEngineResult r = p.client.unwrap();
    assertEquals(Status.OK, r.getStatus());
    assertEquals(0, r.bytesConsumed() + r.bytesProduced());
    assertEquals(HandshakeStatus.NEED_WRAP, r.getHandshakeStatus());
    p.pump();
    assertEquals(1, p.client.finished);
    assertEquals(1, p.server.finished);
  }

  /** AgentWire has no renegotiation: beginHandshake after the handshake is an SSLException. */
  @Test
  void beginHandshakeAfterTheHandshakeIsRefused() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    for (SSLEngine e : List.of(p.client.engine, p.server.engine)) {
      SSLException x = assertThrows(SSLException.class, e::beginHandshake);
      assertTrue(EnginePair.typed(x), x.toString());
      assertEquals(HandshakeStatus.NOT_HANDSHAKING, e.getHandshakeStatus());
    }
    byte[] data = random(100, 3);
    assertArrayEquals(data, p.transfer(p.client, data), "the refusal harms nothing");
    assertArrayEquals(data, p.transfer(p.server, data));
  }

  // ---------------------------------------------------------------------- underflow

  /** Every buffer kind an unwrap's source may be. */
  enum Kind {
    HEAP,
    DIRECT,
    READ_ONLY_HEAP,
    READ_ONLY_DIRECT;

    /** {@code data} at position 3 of a larger buffer whose limit ends it, bytes behind it. */
    ByteBuffer hold(byte[] data) {
      ByteBuffer b =
          this == HEAP || this == READ_ONLY_HEAP
              ? ByteBuffer.allocate(data.length + 10)
              : ByteBuffer.allocateDirect(data.length + 10);
      b.put(new byte[] {7, 7, 7}).put(data).put(new byte[] {9, 9, 9, 9, 9, 9, 9});
      b.position(3).limit(3 + data.length);
      return this == READ_ONLY_HEAP || this == READ_ONLY_DIRECT ? b.asReadOnlyBuffer() : b;
    }
  }

  /**
   * Every proper prefix of a frame, handshake or transport, header partial or body partial, is
   * BUFFER_UNDERFLOW with nothing consumed or produced and the source's position, limit and content
   * untouched; the whole frame then unwraps.
   */
  @ParameterizedTest
  @ValueSource(strings = {"HEAP", "DIRECT", "READ_ONLY_HEAP", "READ_ONLY_DIRECT"})
  void everyPrefixOfAFrameIsAnUnderflowThatTouchesNothing(Kind kind) throws Exception {
    // The client's hello, to a server that has not started.
    EnginePair p = EnginePair.standard();
    p.client.wrap();
    byte[] hello = takeInFlight(p.server);
    SSLEngine server = p.server.engine;
    assertUnderflowForEveryPrefix(server, hello, kind, null);
    SSLEngineResult r = server.unwrap(kind.hold(hello), ByteBuffer.allocate(100));
    assertEquals(Status.OK, r.getStatus());
    assertEquals(hello.length, r.bytesConsumed());
    p.pump(); // the rest of the handshake
    assertEquals(1, p.server.finished);

    // Transport frames: small, and as large as one record gets.
    for (int size : new int[] {1, 300, 16384}) {
      byte[] data = random(size, size);
      byte[] frame = p.wrapAlone(p.client, data);
      assertUnderflowForEveryPrefix(server, frame, kind, size > 1000 ? new Random(size) : null);
      ByteBuffer dst = ByteBuffer.allocate(16384);
      r = server.unwrap(kind.hold(frame), dst);
      assertEquals(Status.OK, r.getStatus());
      assertEquals(frame.length, r.bytesConsumed());
      assertEquals(size, r.bytesProduced());
      assertArrayEquals(data, Arrays.copyOf(dst.array(), size));
    }
  }

  /** Every prefix (or, with {@code sample}, every header prefix and 300 body prefixes). */
  private static void assertUnderflowForEveryPrefix(
      SSLEngine e, byte[] frame, Kind kind, Random sample) throws SSLException {
    List<Integer> lengths = new ArrayList<>();
    for (int n = 0; n < frame.length; n++) {
      if (sample == null || n <= WireFormat.HEADER_BYTES + 1 || n == frame.length - 1) {
        lengths.add(n);
      }
    }
    if (sample != null) {
      for (int i = 0; i < 300; i++) {
        lengths.add(
            WireFormat.HEADER_BYTES + sample.nextInt(frame.length - WireFormat.HEADER_BYTES));
      }
    }
    ByteBuffer dst = ByteBuffer.allocate(16384);
    for (int n : lengths) {
      ByteBuffer src = kind.hold(Arrays.copyOf(frame, n));
      ByteBuffer whole = src.duplicate().clear();
      byte[] before = bytes(whole);
      SSLEngineResult r = e.unwrap(src, dst);
      assertEquals(Status.BUFFER_UNDERFLOW, r.getStatus(), n + " of " + frame.length + ": " + r);
      assertEquals(0, r.bytesConsumed());
      assertEquals(0, r.bytesProduced());
      assertEquals(3, src.position(), "position");
      assertEquals(3 + n, src.limit(), "limit");
      assertArrayEquals(before, bytes(src.duplicate().clear()), "content");
      assertEquals(0, dst.position());
    }
  }

  private static byte[] takeInFlight(EnginePair.End to) {
    return to.takeInFlight();
  }

  // ---------------------------------------------------------------------- overflow

  /**
   * A wrap into a destination too small, during the handshake and after it, is BUFFER_OVERFLOW with
   * nothing consumed or produced, and seals nothing: the retry into a large enough buffer carries
   * the data, and the peer authenticates it, which it could not if a nonce had been used.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWrapOverflowConsumesNothingAndUsesNoNonce(boolean direct) throws Exception {
    EnginePair p = EnginePair.standard();
    SSLEngine c = p.client.engine;
    ByteBuffer tiny = EnginePair.allocate(20, direct);
    SSLEngineResult r = c.wrap(ByteBuffer.allocate(0), tiny);
    assertEquals(Status.BUFFER_OVERFLOW, r.getStatus(), "the hello does not fit: " + r);
    assertEquals(0, r.bytesConsumed() + r.bytesProduced());
    assertEquals(0, tiny.position());
    assertEquals(HandshakeStatus.NEED_WRAP, r.getHandshakeStatus());
    p.pump();
    assertEquals(1, p.client.finished);

    for (int round = 0; round < 3; round++) {
      byte[] data = random(1000 + round, round);
      ByteBuffer src = ByteBuffer.wrap(data);
      for (int room : new int[] {0, 1, 5, 100, 1000 + WireFormat.HEADER_BYTES + 16}) {
        ByteBuffer small = EnginePair.allocate(room, direct);
        r = c.wrap(src, small);
        if (r.getStatus() == Status.OK) {
          // A smaller record that fits is allowed too; then it must carry the first bytes.
          assertTrue(r.bytesConsumed() > 0 && r.bytesProduced() <= room, r.toString());
          small.flip();
          p.server.enqueue(bytes(small));
          continue;
        }
        assertEquals(Status.BUFFER_OVERFLOW, r.getStatus(), room + ": " + r);
        assertEquals(0, r.bytesConsumed() + r.bytesProduced());
        assertEquals(0, src.position(), "nothing consumed");
        assertEquals(0, small.position(), "nothing produced");
      }
      p.client.outgoing.add(new ByteBuffer[] {src});
      p.server.received.reset();
      p.pump();
      assertArrayEquals(data, p.server.received.toByteArray(), "the retry's record opens");
    }
  }

  /**
   * An unwrap into destinations too small for the record is BUFFER_OVERFLOW, consumes nothing and
   * opens nothing: retried with room, the record and the ones after it open.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUnwrapOverflowConsumesNothingAndUsesNoNonce(boolean direct) throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    SSLEngine s = p.server.engine;
    for (int round = 0; round < 3; round++) {
      byte[] data = random(1000, 10 + round);
      byte[] frame = p.wrapAlone(p.client, data);
      ByteBuffer src = ByteBuffer.wrap(frame);
      for (int room : new int[] {0, 1, 999}) {
        ByteBuffer dst = EnginePair.allocate(room, direct);
        ByteBuffer[] dsts = {dst, EnginePair.allocate(0, direct)};
        SSLEngineResult r = s.unwrap(src, dsts);
        assertEquals(Status.BUFFER_OVERFLOW, r.getStatus(), room + ": " + r);
        assertEquals(0, r.bytesConsumed() + r.bytesProduced());
        assertEquals(0, src.position());
        assertEquals(0, dst.position());
      }
      // Exactly the content's size is enough, spread over two buffers.
      ByteBuffer a = EnginePair.allocate(400, direct);
      ByteBuffer b = EnginePair.allocate(600, direct);
      SSLEngineResult r = s.unwrap(src, new ByteBuffer[] {a, b});
      assertEquals(Status.OK, r.getStatus(), r.toString());
      assertEquals(frame.length, r.bytesConsumed());
      assertEquals(1000, r.bytesProduced());
      a.flip();
      b.flip();
      byte[] got = new byte[1000];
      a.get(got, 0, 400);
      b.get(got, 400, 600);
      assertArrayEquals(data, got);
    }
  }

  /**
   * An unwrap that consumes a record delivers all of its content: an engine keeps no plaintext
   * between calls. A receiver whose own padding makes its records smaller than the peer's (here
   * 9997 content bytes a record against the peer's 16384) must still not split the peer's record
   * into a destination that holds only part of it.
   */
  @Test
  void anUnwrapDeliversAWholeRecordOrNothing() throws Exception {
    EnginePair p =
        new EnginePair(clientConfig().build(), serverConfig().padding(10000).build()).handshake();
    byte[] data = random(16384, 20);
    byte[] frame = p.wrapAlone(p.client, data);
    ByteBuffer src = ByteBuffer.wrap(frame);
    ByteBuffer dst = ByteBuffer.allocate(10000);
    SSLEngineResult r = p.server.engine.unwrap(src, dst);
    if (r.getStatus() == Status.OK) {
      assertEquals(frame.length, r.bytesConsumed());
      assertEquals(data.length, r.bytesProduced(), "a record's content was split: " + r);
    } else {
      assertEquals(Status.BUFFER_OVERFLOW, r.getStatus(), r.toString());
      assertEquals(0, r.bytesConsumed() + r.bytesProduced());
      dst = ByteBuffer.allocate(p.server.applicationSize());
      r = p.server.engine.unwrap(src, dst);
      assertEquals(Status.OK, r.getStatus());
      assertEquals(data.length, r.bytesProduced());
      assertArrayEquals(data, Arrays.copyOf(dst.array(), data.length));
    }
  }

  /**
   * Plaintext never crosses from one engine to another on the same thread: a record left half
   * delivered by one engine must not be finished from a buffer another engine has since used.
   */
  @Test
  void twoEnginesOnOneThreadNeverSeeEachOthersPlaintext() throws Exception {
    EnginePair a =
        new EnginePair(clientConfig().build(), serverConfig().padding(10000).build()).handshake();
    EnginePair b = EnginePair.standard().handshake();
    byte[] forA = random(16384, 21);
    byte[] forB = new byte[16384];
    Arrays.fill(forB, (byte) 0x42);
    ByteBuffer aSrc = ByteBuffer.wrap(a.wrapAlone(a.client, forA));
    ByteBuffer bSrc = ByteBuffer.wrap(b.wrapAlone(b.client, forB));
    java.io.ByteArrayOutputStream gotA = new java.io.ByteArrayOutputStream();
    ByteBuffer dst = ByteBuffer.allocate(10000);
    a.server.engine.unwrap(aSrc, dst);
    gotA.write(dst.array(), 0, dst.position());
    ByteBuffer bDst = ByteBuffer.allocate(16384);
    b.server.engine.unwrap(bSrc, bDst);
    assertArrayEquals(forB, bDst.array());
    for (int i = 0; i < 3 && gotA.size() < forA.length; i++) {
      ByteBuffer more = ByteBuffer.allocate(16384);
      a.server.engine.unwrap(aSrc, more);
      gotA.write(more.array(), 0, more.position());
    }
    assertArrayEquals(forA, gotA.toByteArray());
  }

  // --------------------------------------------------------------- records and accounting

  /** Two records in one buffer take two unwraps; the accounting matches the positions. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUnwrapOpensAtMostOneRecord(boolean direct) throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    byte[] one = random(700, 30);
    byte[] two = random(1200, 31);
    byte[] f1 = p.wrapAlone(p.client, one);
    byte[] f2 = p.wrapAlone(p.client, two);
    ByteBuffer src = EnginePair.allocate(f1.length + f2.length, direct);
    src.put(f1).put(f2).flip();
    ByteBuffer dst = EnginePair.allocate(40000, direct);
    SSLEngineResult r = p.server.engine.unwrap(src, dst);
    assertEquals(Status.OK, r.getStatus());
    assertEquals(f1.length, r.bytesConsumed());
    assertEquals(f1.length, src.position());
    assertEquals(one.length, r.bytesProduced());
    assertEquals(one.length, dst.position());
    r = p.server.engine.unwrap(src, dst);
    assertEquals(Status.OK, r.getStatus());
    assertEquals(f2.length, r.bytesConsumed());
    assertFalse(src.hasRemaining());
    assertEquals(two.length, r.bytesProduced());
    dst.flip();
    byte[] got = bytes(dst);
    byte[] both = Arrays.copyOf(one, one.length + two.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    assertArrayEquals(both, got);
    r = p.server.engine.unwrap(src, dst);
    assertEquals(Status.BUFFER_UNDERFLOW, r.getStatus());
  }

  /**
   * A wrap reads only {@code srcs[offset, offset+length)}, moves only their positions, and leaves
   * their content, and every other buffer, as it was; heap, direct and read-only sources mix.
   */
  @Test
  void wrapLeavesItsSourcesUntouchedButForTheirPositions() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    Random rnd = new Random(40);
    ByteBuffer[] srcs = new ByteBuffer[7];
    for (int i = 0; i < srcs.length; i++) {
      byte[] b = random(i == 3 ? 20000 : 1 + rnd.nextInt(3000), 41 + i);
      ByteBuffer buf =
          i % 3 == 1 ? ByteBuffer.allocateDirect(b.length + 4) : ByteBuffer.allocate(b.length + 4);
      buf.put(new byte[] {1, 2}).put(b).put(new byte[] {3, 4}).position(2).limit(2 + b.length);
      srcs[i] = i % 3 == 2 ? buf.asReadOnlyBuffer() : buf;
    }
    srcs[2] = ByteBuffer.allocate(0); // an empty buffer on the way
    byte[][] whole = new byte[srcs.length][];
    int[] limits = new int[srcs.length];
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < srcs.length; i++) {
      whole[i] = bytes(srcs[i].duplicate().clear());
      limits[i] = srcs[i].limit();
      if (i >= 1 && i < 6) {
        expected.write(bytes(srcs[i]), 0, srcs[i].remaining());
      }
    }
    int[] starts = new int[srcs.length];
    for (int i = 0; i < srcs.length; i++) {
      starts[i] = srcs[i].position();
    }
    ByteBuffer net = ByteBuffer.allocate(p.client.packetSize());
    long total = 0;
    while (EnginePair.remaining(Arrays.copyOfRange(srcs, 1, 6)) > 0) {
      net.clear();
      long before = EnginePair.remaining(Arrays.copyOfRange(srcs, 1, 6));
      SSLEngineResult r = p.client.engine.wrap(srcs, 1, 5, net);
      assertEquals(Status.OK, r.getStatus());
      assertEquals(
          before - EnginePair.remaining(Arrays.copyOfRange(srcs, 1, 6)), r.bytesConsumed());
      assertEquals(net.position(), r.bytesProduced());
      total += r.bytesConsumed();
      net.flip();
      p.server.enqueue(bytes(net));
    }
    assertEquals(expected.size(), total);
    assertEquals(starts[0], srcs[0].position(), "srcs[0] is outside the range");
    assertEquals(starts[6], srcs[6].position(), "srcs[6] is outside the range");
    for (int i = 0; i < srcs.length; i++) {
      assertEquals(limits[i], srcs[i].limit(), "limit of " + i);
      assertArrayEquals(whole[i], bytes(srcs[i].duplicate().clear()), "content of " + i);
    }
    p.pump();
    assertArrayEquals(expected.toByteArray(), p.server.received.toByteArray());
  }

  /**
   * Heap buffers that are slices of larger arrays: a wrap writes its frame at the destination's
   * position and nothing outside {@code [position, position + bytesProduced)} of the backing array,
   * and an unwrap reads its frame from a source slice and writes nothing outside its destination's
   * range.
   */
  @Test
  void slicedHeapBuffersAreUsedWithinTheirBounds() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    for (int size : new int[] {0, 1, 700, 16384, 20000}) {
      byte[] data = random(size, 70 + size);
      byte[] backing = new byte[p.client.packetSize() + 100];
      Arrays.fill(backing, (byte) 0x5a);
      ByteBuffer dst = ByteBuffer.wrap(backing, 31, p.client.packetSize() + 20).slice().position(9);
      dst.limit(dst.capacity() - 11);
      SSLEngineResult r = p.client.engine.wrap(ByteBuffer.wrap(data), dst);
      assertEquals(Status.OK, r.getStatus());
      assertEquals(Math.min(size, 16384), r.bytesConsumed());
      if (size == 0) {
        assertEquals(0, r.bytesProduced(), "nothing to send, nothing sent");
        assertEquals(9, dst.position());
        continue;
      }
      int from = 31 + 9;
      int to = from + r.bytesProduced();
      for (int i = 0; i < backing.length; i++) {
        if (i < from || i >= to) {
          assertEquals((byte) 0x5a, backing[i], "wrap wrote outside its range at " + i);
        }
      }
      byte[] frame = Arrays.copyOfRange(backing, from, to);
      byte[] srcBacking = new byte[frame.length + 50];
      System.arraycopy(frame, 0, srcBacking, 17, frame.length);
      ByteBuffer src = ByteBuffer.wrap(srcBacking, 13, frame.length + 20).slice().position(4);
      src.limit(4 + frame.length);
      byte[] appBacking = new byte[16384 + 64];
      Arrays.fill(appBacking, (byte) 0x33);
      ByteBuffer app = ByteBuffer.wrap(appBacking, 20, 16384 + 30).slice().position(5);
      app.limit(5 + 16384);
      r = p.server.engine.unwrap(src, app);
      assertEquals(Status.OK, r.getStatus(), r.toString());
      assertEquals(frame.length, r.bytesConsumed());
      assertEquals(Math.min(size, 16384), r.bytesProduced());
      assertArrayEquals(
          Arrays.copyOf(data, Math.min(size, 16384)),
          Arrays.copyOfRange(appBacking, 25, 25 + r.bytesProduced()));
      for (int i = 0; i < appBacking.length; i++) {
        if (i < 25 || i >= 25 + r.bytesProduced()) {
          assertEquals((byte) 0x33, appBacking[i], "unwrap wrote outside its range at " + i);
        }
      }
    }
  }

  /**
   * After the handshake, a DH step the peer starts leaves this side owing a reply: its status is
   * NEED_WRAP until a wrap, with no application data, hands the reply out.
   */
  @Test
  void aPeersDhStepAsksForAWrap() throws Exception {
    RekeyPolicy everyRecord = RekeyPolicy.of(1000, 1L << 30, null).withDhEveryMessages(1);
    EnginePair p =
        new EnginePair(clientConfig().rekeyPolicy(everyRecord).build(), serverConfig().build())
            .handshake();
    byte[] data = random(100, 80);
    assertArrayEquals(data, p.transfer(p.client, data)); // the first record, which counts
    ByteBuffer net = ByteBuffer.allocate(p.client.packetSize());
    SSLEngineResult r = p.client.engine.wrap(ByteBuffer.wrap(data), net);
    assertEquals(data.length, r.bytesConsumed());
    net.flip();
    // A KEY_SHARE, then the record: the server opens one at a time.
    ByteBuffer app = ByteBuffer.allocate(p.server.applicationSize());
    boolean asked = false;
    while (net.hasRemaining()) {
      r = p.server.engine.unwrap(net, app);
      assertEquals(Status.OK, r.getStatus());
      asked |= r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }
    assertTrue(asked, "an unwrap reported NEED_WRAP for the reply");
    assertEquals(HandshakeStatus.NEED_WRAP, p.server.engine.getHandshakeStatus());
    app.flip();
    assertArrayEquals(data, bytes(app));
    r = p.server.wrap();
    assertEquals(Status.OK, r.getStatus());
    assertEquals(0, r.bytesConsumed());
    assertTrue(r.bytesProduced() > 0, "the KEY_SHARE_REPLY");
    assertEquals(HandshakeStatus.NOT_HANDSHAKING, r.getHandshakeStatus());
    p.pump();
    byte[] more = random(5000, 81);
    assertArrayEquals(more, p.transfer(p.client, more), "the step completed");
    assertArrayEquals(more, p.transfer(p.server, more));
  }

  // --------------------------------------------------------------- buffers and arguments

  /** Read-only sources work for wrap and unwrap; direct buffers work everywhere. */
  @Test
  void readOnlySourcesAndDirectBuffersWork() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    byte[] data = random(5000, 50);
    ByteBuffer ro = ByteBuffer.wrap(data).asReadOnlyBuffer();
    ByteBuffer net = ByteBuffer.allocateDirect(p.client.packetSize());
    SSLEngineResult r = p.client.engine.wrap(ro, net);
    assertEquals(data.length, r.bytesConsumed());
    net.flip();
    ByteBuffer roNet = net.asReadOnlyBuffer();
    ByteBuffer app = ByteBuffer.allocateDirect(p.server.applicationSize());
    r = p.server.engine.unwrap(roNet, app);
    assertEquals(Status.OK, r.getStatus());
    assertEquals(net.limit(), r.bytesConsumed());
    app.flip();
    assertArrayEquals(data, bytes(app));
  }

  /**
   * The argument checks of the Javadoc: a read-only destination is ReadOnlyBufferException, a null
   * array, buffer or element IllegalArgumentException, a bad range IndexOutOfBoundsException, and
   * any wrap, unwrap or beginHandshake before setUseClientMode IllegalStateException.
   */
  @Test
  void badArgumentsAreRefusedAsTheJavadocSays() throws Exception {
    EnginePair p = EnginePair.standard().handshake();
    SSLEngine e = p.client.engine;
    ByteBuffer src = ByteBuffer.allocate(10);
    ByteBuffer dst = ByteBuffer.allocate(p.client.packetSize());
    ByteBuffer ro = ByteBuffer.allocate(p.client.packetSize()).asReadOnlyBuffer();
    assertThrows(ReadOnlyBufferException.class, () -> e.wrap(src, ro));
    assertThrows(ReadOnlyBufferException.class, () -> e.unwrap(src, ro));
    assertThrows(
        ReadOnlyBufferException.class, () -> e.unwrap(src, new ByteBuffer[] {dst, ro}, 0, 2));
    assertThrows(IllegalArgumentException.class, () -> e.wrap((ByteBuffer[]) null, dst));
    assertThrows(IllegalArgumentException.class, () -> e.wrap((ByteBuffer) null, dst));
    assertThrows(IllegalArgumentException.class, () -> e.wrap(src, null));
    assertThrows(
        IllegalArgumentException.class, () -> e.wrap(new ByteBuffer[] {src, null}, 0, 2, dst));
    assertThrows(IllegalArgumentException.class, () -> e.unwrap(null, dst));
    assertThrows(IllegalArgumentException.class, () -> e.unwrap(src, (ByteBuffer) null));
    assertThrows(IllegalArgumentException.class, () -> e.unwrap(src, (ByteBuffer[]) null));
    assertThrows(
        IllegalArgumentException.class, () -> e.unwrap(src, new ByteBuffer[] {null, dst}, 0, 2));
    ByteBuffer[] two = {src, src};
    assertThrows(IndexOutOfBoundsException.class, () -> e.wrap(two, -1, 1, dst));
    assertThrows(IndexOutOfBoundsException.class, () -> e.wrap(two, 1, 2, dst));
    assertThrows(IndexOutOfBoundsException.class, () -> e.wrap(two, 0, -1, dst));
    ByteBuffer[] dsts = {dst, dst};
    assertThrows(IndexOutOfBoundsException.class, () -> e.unwrap(src, dsts, 3, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> e.unwrap(src, dsts, 0, 3));
    assertEquals(0, src.position(), "refused calls consume nothing");
    assertEquals(0, dst.position());
    byte[] data = random(100, 51);
    assertArrayEquals(data, p.transfer(p.client, data), "the engine still works");

    SSLEngine unset = AgentWireJsseProvider.newContext(clientConfig().build()).createSSLEngine();
    assertThrows(IllegalStateException.class, () -> unset.wrap(src, dst));
    assertThrows(IllegalStateException.class, () -> unset.unwrap(src, dst));
    assertThrows(IllegalStateException.class, unset::beginHandshake);
    // The mode cannot change once the handshake has begun.
    assertThrows(IllegalArgumentException.class, () -> e.setUseClientMode(false));
  }

  // ---------------------------------------------------- data behind the last handshake message

  /**
   * IK: the server's message 2 and its first record in one buffer; XX: the client's message 3 and
   * its first record. The unwrap that ends the handshake reports FINISHED and leaves the record,
   * which the next unwrap delivers.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void dataRightBehindTheLastHandshakeMessageIsDeliveredByTheNextUnwrap(boolean xx)
      throws Exception {
    EnginePair p =
        new EnginePair(clientConfig().cipherSuites(xx ? XX : IK).build(), serverConfig().build());
    EnginePair.End last = xx ? p.client : p.server; // who sends the last handshake message
    byte[] data = random(2000, xx ? 60 : 61);
    // Run the handshake up to the last message, which stays in flight.
    p.client.wrap();
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap();
    if (xx) {
      p.server.wrap();
      p.client.deliver(Integer.MAX_VALUE);
      p.client.unwrap();
    }
    SSLEngineResult fin = last.wrap(ByteBuffer.wrap(data));
    assertEquals(HandshakeStatus.FINISHED, fin.getHandshakeStatus());
    assertEquals(0, fin.bytesConsumed(), "the handshake message goes alone");
    SSLEngineResult dataWrap = last.wrap(ByteBuffer.wrap(data));
    assertEquals(data.length, dataWrap.bytesConsumed());
    EnginePair.End to = last.peer();
    to.deliver(Integer.MAX_VALUE); // both in one buffer
    assertEquals(fin.bytesProduced() + dataWrap.bytesProduced(), to.buffered());
    SSLEngineResult r = to.unwrap();
    assertEquals(Status.OK, r.getStatus());
    assertEquals(HandshakeStatus.FINISHED, r.getHandshakeStatus());
    assertEquals(fin.bytesProduced(), r.bytesConsumed());
    assertEquals(0, r.bytesProduced());
    assertEquals(dataWrap.bytesProduced(), to.buffered(), "the record waits");
    r = to.unwrap();
    assertEquals(Status.OK, r.getStatus());
    assertEquals(HandshakeStatus.NOT_HANDSHAKING, r.getHandshakeStatus());
    assertEquals(dataWrap.bytesProduced(), r.bytesConsumed());
    assertArrayEquals(data, to.received.toByteArray());
    assertEquals(xx ? XX : IK, to.engine.getSession().getCipherSuite());
  }

  // ------------------------------------------------------------------ sessions and sizes

  static Stream<Arguments> sizeConfigs() {
    RekeyPolicy eager = RekeyPolicy.of(2, 20_000, Duration.ofMillis(1)).withDhEveryMessages(3);
    return Stream.of(
        arguments(0, RekeyPolicy.DEFAULT),
        arguments(0, RekeyPolicy.FREQUENT),
        arguments(1, eager),
        arguments(7, RekeyPolicy.FREQUENT),
        arguments(256, eager),
        arguments(8312, eager),
        arguments(16384, eager),
        arguments(16384, RekeyPolicy.FREQUENT));
  }

  /**
   * Buffers of {@code getPacketBufferSize()} and {@code getApplicationBufferSize()} are enough for
   * every wrap and unwrap ({@link EnginePair} fails on any overflow), whatever the padding and with
   * rekeys and DH steps putting control records around the data; sessions name the Noise suite,
   * AgentWire/2 and the peer's key.
   */
  @ParameterizedTest(name = "padding {0}, {1}")
  @MethodSource("sizeConfigs")
  void advertisedBufferSizesAreEnoughForEveryCall(int padding, RekeyPolicy policy)
      throws Exception {
    EnginePair p =
        new EnginePair(
            clientConfig().padding(padding).rekeyPolicy(policy).build(),
            serverConfig().padding(16384 - padding).rekeyPolicy(policy).build());
    assertTrue(p.client.packetSize() >= 16384 + 256 + 5, "a whole frame fits");
    assertTrue(p.client.applicationSize() >= 16384, "a whole record's content fits");
    p.handshake();
    for (EnginePair.End e : List.of(p.client, p.server)) {
      SSLSession s = e.engine.getSession();
      assertEquals(IK, s.getCipherSuite());
      assertEquals("AgentWire/2", s.getProtocol());
      assertPeer(e.isClient ? SERVER.publicKey() : CLIENT.publicKey(), s);
      assertEquals(s.getPacketBufferSize(), e.packetSize());
      assertTrue(s.getApplicationBufferSize() >= 16384);
    }
    Random rnd = new Random(padding);
    for (int i = 0; i < 6; i++) {
      byte[] a = random(rnd.nextInt(60_000), i);
      byte[] b = random(rnd.nextInt(60_000), i + 100);
      p.client.send(a);
      p.server.send(b);
      p.client.received.reset();
      p.server.received.reset();
      p.pump();
      assertArrayEquals(a, p.server.received.toByteArray());
      assertArrayEquals(b, p.client.received.toByteArray());
    }
  }

  /**
   * Raw mode through engines: the configured Noise protocol at once, the session named "Noise",
   * data both ways, and the end of the stream as the end (closeOutbound sends nothing, and the
   * peer's closeInbound is clean once the handshake is done).
   */
  @Test
  void rawModeEnginesCarryDataAndEndAtEndOfStream() throws Exception {
    String suite = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
    byte[] prologue = {1, 2, 3};
    EnginePair p =
        new EnginePair(
                clientConfig().raw(suite, prologue).build(),
                serverConfig().raw(suite, prologue).build())
            .handshake();
    assertEquals("Noise", p.client.engine.getSession().getProtocol());
    assertEquals(suite, p.server.engine.getSession().getCipherSuite());
    byte[] a = random(70_000, 90);
    byte[] b = random(40_000, 91);
    assertArrayEquals(a, p.transfer(p.client, a));
    assertArrayEquals(b, p.transfer(p.server, b));
    p.client.engine.closeOutbound();
    SSLEngineResult r = p.client.wrap();
    assertEquals(Status.CLOSED, r.getStatus());
    assertTrue(p.client.engine.isOutboundDone());
    p.server.engine.closeInbound(); // end of stream after whole frames: a clean end of file
    assertTrue(p.server.engine.isInboundDone());
    assertArrayEquals(b, p.transfer(p.server, b), "the other direction still works");
    p.server.engine.closeOutbound();
    p.server.wrap();
    p.client.engine.closeInbound();
    EnginePair.assertClosedQuietly(p.client.engine);
    EnginePair.assertClosedQuietly(p.server.engine);
  }

  /**
   * Raw mode, where a foreign peer may put application data in its handshake payloads: the engine
   * delivers them before any transport data, and into a destination with no room it answers
   * BUFFER_OVERFLOW (not OK with nothing done, which a driver reads as "wait for the network").
   */
  @Test
  void rawHandshakePayloadsAreDeliveredAndOverflowAFullDestination() throws Exception {
    String suite = "Noise_NN_25519_ChaChaPoly_SHA256";
    byte[] prologue = {4, 5};
    SSLEngine server =
        serverEngine(
            AgentSocketConfig.builder()
                .raw(suite, prologue)
                .anonymousPeers(true)
                .peerVerifier(PeerVerifier.anyPeer())
                .build());
    io.agentwire.testsupport.NoiseJavaPeer peer =
        io.agentwire.testsupport.NoiseJavaPeer.create(suite, true, prologue, null, null, null);
    byte[] early = "early data in message 1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] m1 = peer.write(early);
    ByteBuffer in = ByteBuffer.allocate(2 + m1.length);
    in.putShort((short) m1.length).put(m1).flip();
    ByteBuffer room = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
    SSLEngineResult r = server.unwrap(in, room);
    assertEquals(Status.OK, r.getStatus(), r.toString());
    assertEquals(0, r.bytesProduced(), "payloads wait for the end of the handshake");
    assertEquals(2 + m1.length, r.bytesConsumed());
    assertEquals(HandshakeStatus.NEED_WRAP, r.getHandshakeStatus());
    ByteBuffer net = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
    r = server.wrap(ByteBuffer.allocate(0), net);
    assertEquals(HandshakeStatus.FINISHED, r.getHandshakeStatus());
    net.flip();
    net.getShort();
    byte[] m2 = bytes(net);
    peer.read(m2);
    peer.split();
    ByteBuffer full = ByteBuffer.allocate(0);
    r = server.unwrap(ByteBuffer.allocate(0), full);
    assertEquals(Status.BUFFER_OVERFLOW, r.getStatus(), "early data waits for room: " + r);
    ByteBuffer app = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
    r = server.unwrap(ByteBuffer.allocate(0), app);
    assertEquals(Status.OK, r.getStatus());
    assertEquals(early.length, r.bytesProduced());
    app.flip();
    assertArrayEquals(early, bytes(app));
  }

  // ------------------------------------------------------------------------------ ALPN

  private static EnginePair alpnPair(String[] offered, String[] served) {
    SSLEngine c = clientEngine(clientConfig().build());
    SSLParameters cp = c.getSSLParameters();
    cp.setApplicationProtocols(offered);
    c.setSSLParameters(cp);
    SSLEngine s = serverEngine(serverConfig().build());
    SSLParameters sp = s.getSSLParameters();
    sp.setApplicationProtocols(served);
    s.setSSLParameters(sp);
    return new EnginePair(c, s);
  }

  /**
   * ALPN from SSLParameters on both sides: the server's first supported offer wins; {@code
   * getHandshakeApplicationProtocol} shows it while the handshake runs, {@code
   * getApplicationProtocol} after; without an offer both sides report "".
   */
  @Test
  void applicationProtocolsNegotiateThroughEngines() throws Exception {
    EnginePair p = alpnPair(new String[] {"h2", "http/1.1"}, new String[] {"http/1.1", "h2"});
    assertNull(p.client.engine.getApplicationProtocol());
    p.client.wrap();
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap();
    assertEquals(HandshakeStatus.NEED_WRAP, p.server.engine.getHandshakeStatus());
    assertEquals("http/1.1", p.server.engine.getHandshakeApplicationProtocol(), "during");
    p.pump();
    for (SSLEngine e : List.of(p.client.engine, p.server.engine)) {
      assertEquals("http/1.1", e.getApplicationProtocol());
      assertNull(e.getHandshakeApplicationProtocol(), "no handshake in progress");
    }

    EnginePair none = alpnPair(new String[0], new String[0]).handshake();
    assertEquals("", none.client.engine.getApplicationProtocol());
    assertEquals("", none.server.engine.getApplicationProtocol());
  }

  /** XX, where the client learns the choice one message before its handshake ends. */
  @Test
  void theClientSeesTheChoiceDuringAnXxHandshake() throws Exception {
    SSLEngine c = clientEngine(clientConfig().cipherSuites(XX).build());
    SSLParameters cp = c.getSSLParameters();
    cp.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    c.setSSLParameters(cp);
    SSLEngine s = serverEngine(serverConfig().build());
    SSLParameters sp = s.getSSLParameters();
    sp.setApplicationProtocols(new String[] {"h2"});
    s.setSSLParameters(sp);
    EnginePair p = new EnginePair(c, s);
    p.client.wrap();
    p.server.deliver(Integer.MAX_VALUE);
    p.server.unwrap();
    p.server.wrap();
    p.client.deliver(Integer.MAX_VALUE);
    SSLEngineResult r = p.client.unwrap();
    assertEquals(HandshakeStatus.NEED_WRAP, r.getHandshakeStatus(), "message 3 still to send");
    assertEquals("h2", c.getHandshakeApplicationProtocol(), "the handshake is still in progress");
    assertEquals("h2", s.getHandshakeApplicationProtocol());
    p.pump();
    assertEquals("h2", c.getApplicationProtocol());
    assertEquals("h2", s.getApplicationProtocol());
  }

  /**
   * The server's selector sees the offer and its own engine (with a handshake session) and decides:
   * a value, "" for none, or null to refuse, which fails both sides with NO_APPLICATION_PROTOCOL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "", "(null)", "not-offered"})
  void theServersSelectorDecides(String choice) throws Exception {
    EnginePair p = alpnPair(new String[] {"h2", "http/1.1"}, new String[] {"spdy/3"});
    AtomicReference<List<String>> seen = new AtomicReference<>();
    p.server.engine.setHandshakeApplicationProtocolSelector(
        (engine, offered) -> {
          assertSame(p.server.engine, engine);
          assertNotNull(engine.getHandshakeSession());
          seen.set(offered);
          return choice.equals("(null)") ? null : choice;
        });
    assertNotNull(p.server.engine.getHandshakeApplicationProtocolSelector());
    if (choice.equals("h2") || choice.isEmpty()) {
      p.handshake();
      assertEquals(List.of("h2", "http/1.1"), seen.get());
      assertEquals(choice, p.client.engine.getApplicationProtocol());
      assertEquals(choice, p.server.engine.getApplicationProtocol());
      return;
    }
    p.tolerant = true;
    p.client.engine.beginHandshake();
    p.pump();
    assertEquals(List.of("h2", "http/1.1"), seen.get());
    for (EnginePair.End e : List.of(p.server, p.client)) {
      assertNotNull(e.failure, e.name + " must fail: " + e.log);
      assertEquals("unwrap", e.failedIn, e.name);
      assertTrue(EnginePair.typed(e.failure), e.failure.toString());
      assertEquals(
          FailureReason.NO_APPLICATION_PROTOCOL,
          FailureReason.of(e.failure).orElseThrow(),
          e.failure.toString());
      assertEquals(0, e.finished);
      EnginePair.assertClosedQuietly(e.engine);
    }
    assertTrue(
        p.server.log.stream().anyMatch(l -> l.startsWith("wrap CLOSED") && !l.endsWith(" 0/0")),
        "the server's refusal went out with CLOSED: " + p.server.log);
  }

  /**
   * As in SunJSSE, a client that offers no application protocol never reaches the selector: the
   * connection runs without ALPN, whatever the selector would have said (Netty's selectors answer
   * an empty offer with a protocol of their own, or throw).
   */
  @Test
  void aClientThatOffersNothingNeverReachesTheSelector() throws Exception {
    EnginePair p = alpnPair(new String[0], new String[] {"h2", "http/1.1"});
    AtomicReference<List<String>> seen = new AtomicReference<>();
    p.server.engine.setHandshakeApplicationProtocolSelector(
        (engine, offered) -> {
          seen.set(offered);
          return "http/1.1";
        });
    p.handshake();
    assertNull(seen.get(), "the selector saw " + seen.get());
    assertEquals("", p.client.engine.getApplicationProtocol());
    assertEquals("", p.server.engine.getApplicationProtocol());
  }
}
