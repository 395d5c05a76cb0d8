package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Two AgentWire {@link SSLEngine}s joined in memory: the one pump of the engine tests. Each {@link
 * End} wraps into a buffer of its session's packet buffer size, the bytes cross a {@link Wire}
 * (which may observe or alter them) in deliveries of {@link End#chunks} bytes, and the peer unwraps
 * what has arrived into a buffer of its application buffer size, as an NIO driver would. Every wrap
 * and unwrap is checked against the {@code SSLEngine} contract as it happens: {@code bytesConsumed}
 * and {@code bytesProduced} equal the buffers' position changes, buffers of the advertised sizes
 * never overflow, there is never a delegated task, and {@code FINISHED} comes at most once per
 * side.
 */
final class EnginePair {

  static final String HOST = "agent.test";
  static final int PORT = 4433;
  static final AgentIdentity SERVER = AgentIdentity.generate();
  static final AgentIdentity CLIENT = AgentIdentity.generate();
  static final String XX = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
  static final String IK = "Noise_IK_25519_ChaChaPoly_BLAKE2s";

  /** Sees, and may change in place, network bytes before the receiving engine gets them. */
  interface Wire {
    /**
     * @param fromClient the direction
     * @param offset how many bytes of this direction crossed before {@code bytes}
     */
    void carry(boolean fromClient, long offset, byte[] bytes);
  }

  /** A server that knows the client's key (for KK) and accepts only it. */
  static AgentSocketConfig.Builder serverConfig() {
    return AgentSocketConfig.builder()
        .identity(SERVER)
        .peerKey(CLIENT.publicKey())
        .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()));
  }

  /**
   * A client that accepts only the server's key. {@code PeerVerifier.onlyKey} names that key as
   * known for every host, so the client starts with IK unless its suites say otherwise.
   */
  static AgentSocketConfig.Builder clientConfig() {
    return AgentSocketConfig.builder()
        .identity(CLIENT)
        .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()));
  }

  /** A client engine for {@link #HOST}, with endpoint identification off. */
  static SSLEngine clientEngine(AgentSocketConfig config) {
    SSLEngine e = AgentWireJsseProvider.newContext(config).createSSLEngine(HOST, PORT);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    e.setSSLParameters(p);
    return e;
  }

  static SSLEngine serverEngine(AgentSocketConfig config) {
    SSLEngine e = AgentWireJsseProvider.newContext(config).createSSLEngine();
    e.setUseClientMode(false);
    return e;
  }

  static ByteBuffer allocate(int size, boolean direct) {
    return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
  }

  /** The remaining bytes of {@code b}, leaving it untouched. */
  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  static long remaining(ByteBuffer[] buffers) {
    long n = 0;
    for (ByteBuffer b : buffers) {
      n += b.remaining();
    }
    return n;
  }

  /**
   * Whether {@code e} is one of the typed failures an AgentWire engine may raise, carrying a {@link
   * FailureReason}.
   */
  static boolean typed(Throwable e) {
    return (e instanceof AgentHandshakeException
            || e instanceof AgentProtocolException
            || e instanceof AgentConnectionException
            || e instanceof SSLPeerUnverifiedException)
        && FailureReason.of(e).isPresent();
  }

  // ----------------------------------------------------------------------------------- ends

  /** One engine, the network bytes that reached it and the application bytes it delivered. */
  final class End {
    final String name;
    final SSLEngine engine;
    final boolean isClient;

    /** Network bytes delivered to this engine and not yet consumed, in read mode. */
    private ByteBuffer inbound = ByteBuffer.allocate(0);

    /** Network bytes its peer produced that the wire has not delivered yet. */
    private final ArrayDeque<byte[]> inFlight = new ArrayDeque<>();

    private int headOffset; // bytes of inFlight's first array already delivered
    private long inFlightBytes;
    private long wireOffset; // bytes of this direction that crossed the wire

    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /** What this end still has to send, each array one wrap's {@code srcs}, in order. */
    final ArrayDeque<ByteBuffer[]> outgoing = new ArrayDeque<>();

    /** Every wrap and unwrap, in order, as "op STATUS HANDSHAKE_STATUS consumed/produced". */
    final List<String> log = new ArrayList<>();

    int finished;
    String finishedBy; // "wrap" or "unwrap"
    boolean direct;
    boolean closeAfterSending;

    /** Sizes of the deliveries to this end, one call per delivery (at least 1 byte). */
    IntSupplier chunks = () -> Integer.MAX_VALUE;

    /** With {@link #tolerant}: the SSLException this end raised, or {@code null}. */
    SSLException failure;

    /** Where {@link #failure} came from: "wrap", "unwrap" or "closeInbound". */
    String failedIn;

    private ByteBuffer net;
    private ByteBuffer app;

    End(String name, SSLEngine engine, boolean isClient) {
      this.name = name;
      this.engine = engine;
      this.isClient = isClient;
    }

    End peer() {
      return this == client ? server : client;
    }

    int packetSize() {
      return engine.getSession().getPacketBufferSize();
    }

    int applicationSize() {
      return engine.getSession().getApplicationBufferSize();
    }

    /** Queues application bytes to send, as one buffer. */
    void send(byte[] data) {
      outgoing.add(new ByteBuffer[] {ByteBuffer.wrap(data.clone())});
    }

    boolean hasOutgoing() {
      while (!outgoing.isEmpty() && remaining(outgoing.peek()) == 0) {
        outgoing.poll();
      }
      return !outgoing.isEmpty();
    }

    /** Bytes delivered to this end and not yet consumed. */
    int buffered() {
      return inbound.remaining();
    }

    /** Bytes its peer produced that have not crossed the wire yet. */
    long inFlight() {
      return inFlightBytes;
    }

    /**
     * One wrap of {@code srcs} into this end's buffer of the packet buffer size; what it produced
     * goes on the wire towards the peer.
     */
    SSLEngineResult wrap(ByteBuffer... srcs) throws SSLException {
      if (net == null || net.capacity() < packetSize()) {
        net = allocate(packetSize(), direct);
      }
      net.clear();
      long before = remaining(srcs);
      SSLEngineResult r = engine.wrap(srcs, net);
      assertEquals(
          before - remaining(srcs), r.bytesConsumed(), () -> name + " wrap consumed: " + r);
      assertEquals(net.position(), r.bytesProduced(), () -> name + " wrap produced: " + r);
      note("wrap", r);
      assertNotEquals(
          Status.BUFFER_OVERFLOW, r.getStatus(), () -> name + ": a packet-size buffer overflowed");
      net.flip();
      if (net.hasRemaining()) {
        peer().enqueue(bytes(net));
      }
      return r;
    }

    /** Takes every byte on the wire towards this end, undelivered. */
    byte[] takeInFlight() {
      byte[] out = new byte[(int) inFlightBytes];
      int at = 0;
      for (byte[] b : inFlight) {
        int from = at == 0 ? headOffset : 0;
        System.arraycopy(b, from, out, at, b.length - from);
        at += b.length - from;
      }
      inFlight.clear();
      headOffset = 0;
      inFlightBytes = 0;
      return out;
    }

    /** Puts bytes on the wire towards this end, as if its peer had produced them. */
    void enqueue(byte[] b) {
      inFlight.add(b);
      inFlightBytes += b.length;
    }

    /**
     * One unwrap of what has reached this end into its buffer of the application buffer size;
     * appends what it delivered to {@link #received}.
     */
    SSLEngineResult unwrap() throws SSLException {
      if (app == null || app.capacity() < applicationSize()) {
        app = allocate(applicationSize(), direct);
      }
      app.clear();
      int before = inbound.position();
      SSLEngineResult r = engine.unwrap(inbound, app);
      assertEquals(
          inbound.position() - before, r.bytesConsumed(), () -> name + " unwrap consumed: " + r);
      assertEquals(app.position(), r.bytesProduced(), () -> name + " unwrap produced: " + r);
      note("unwrap", r);
      assertNotEquals(
          Status.BUFFER_OVERFLOW,
          r.getStatus(),
          () -> name + ": an application-size buffer overflowed");
      app.flip();
      byte[] got = bytes(app);
      received.write(got, 0, got.length);
      return r;
    }

    private void note(String op, SSLEngineResult r) {
      if (engine.getDelegatedTask() != null) {
        fail(name + ": a delegated task");
      }
      if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
        finished++;
        finishedBy = op;
        assertEquals(1, finished, () -> name + " reported FINISHED twice: " + log);
      }
      if (r.getStatus() == Status.BUFFER_UNDERFLOW
          && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
        return; // waiting for bytes: not worth a line, and single-byte deliveries make many
      }
      log.add(
          op
              + " "
              + r.getStatus()
              + " "
              + r.getHandshakeStatus()
              + " "
              + r.bytesConsumed()
              + "/"
              + r.bytesProduced());
    }

    /** Moves at most {@code max} bytes from the wire into what this end unwraps from. */
    int deliver(int max) {
      int n = (int) Math.min(max, inFlightBytes);
      if (n == 0) {
        return 0;
      }
      byte[] chunk = new byte[n];
      int filled = 0;
      while (filled < n) {
        byte[] head = inFlight.peek();
        int take = Math.min(n - filled, head.length - headOffset);
        System.arraycopy(head, headOffset, chunk, filled, take);
        filled += take;
        headOffset += take;
        if (headOffset == head.length) {
          inFlight.poll();
          headOffset = 0;
        }
      }
      inFlightBytes -= n;
      wire.carry(!isClient, wireOffset, chunk);
      wireOffset += n;
      append(chunk);
      return n;
    }

    /** Appends network bytes behind those not yet consumed, as a channel read would. */
    void append(byte[] chunk) {
      if (inbound.capacity() - inbound.limit() < chunk.length) {
        int needed = inbound.remaining() + chunk.length;
        if (inbound.capacity() >= needed && !inbound.isReadOnly()) {
          inbound.compact().flip();
        } else {
          ByteBuffer grown = allocate(Math.max(needed, 4 * packetSize()), direct);
          grown.put(inbound).flip();
          inbound = grown;
        }
      }
      int limit = inbound.limit();
      inbound.limit(limit + chunk.length);
      inbound.put(limit, chunk);
    }

    /** Unwraps until the engine needs more bytes, is closed, or waits to wrap. */
    boolean unwrapAll() throws SSLException {
      boolean progress = false;
      while (!engine.isInboundDone()) {
        SSLEngineResult r = unwrap();
        boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
        progress |= moved;
        if (r.getStatus() != Status.OK || !moved) {
          break;
        }
      }
      return progress;
    }

    /** Wraps while the handshake asks for it, application bytes wait, or a close is due. */
    boolean wrapAll() throws SSLException {
      boolean progress = false;
      while (!engine.isOutboundDone()) {
        // A close waits for the handshake: closing before it would abandon the connection.
        boolean closing = closeAfterSending && !hasOutgoing() && finished > 0;
        if (closing) {
          engine.closeOutbound();
        }
        if (!(engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
            || hasOutgoing()
            || closing)) {
          break;
        }
        SSLEngineResult r = wrap(hasOutgoing() ? outgoing.peek() : new ByteBuffer[0]);
        if (r.bytesProduced() == 0 && r.bytesConsumed() == 0) {
          break;
        }
        progress = true;
      }
      return progress;
    }

    /** Delivers the wire's bytes in {@link #chunks}, unwrapping after each delivery. */
    boolean receiveAll() throws SSLException {
      boolean progress = inbound.hasRemaining() && unwrapAll();
      while (inFlightBytes > 0 && !engine.isInboundDone()) {
        progress |= deliver(Math.max(1, chunks.getAsInt())) > 0;
        progress |= unwrapAll();
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          break; // our answer goes out first, as a real driver would send it
        }
      }
      return progress;
    }

    boolean step(boolean wrapping) throws SSLException {
      if (!tolerant) {
        return wrapping ? wrapAll() : receiveAll();
      }
      try {
        return wrapping ? wrapAll() : receiveAll();
      } catch (SSLException e) {
        if (failure == null) {
          failure = e;
          failedIn = wrapping ? "wrap" : "unwrap";
        }
        return true;
      }
    }
  }

  final End client;
  final End server;
  Wire wire = (fromClient, offset, b) -> {};

  /**
   * Whether {@link #pump} records each end's first {@link SSLException} in {@link End#failure} and
   * carries on (the failed engine must then answer {@code CLOSED}), instead of throwing it.
   */
  boolean tolerant;

  EnginePair(SSLEngine client, SSLEngine server) {
    this.client = new End("client", client, true);
    this.server = new End("server", server, false);
  }

  EnginePair(AgentSocketConfig clientConfig, AgentSocketConfig serverConfig) {
    this(clientEngine(clientConfig), serverEngine(serverConfig));
  }

  /** A pair of the default configurations: IK, each side accepting only the other's key. */
  static EnginePair standard() {
    return new EnginePair(clientConfig().build(), serverConfig().build());
  }

  /**
   * Runs both engines until neither makes progress: each wraps while it has something to say, every
   * byte crosses, the peer unwraps it.
   */
  EnginePair pump() throws SSLException {
    for (int round = 0; round < 10_000_000; round++) {
      boolean progress = client.step(true);
      progress |= server.step(true);
      progress |= server.step(false);
      progress |= client.step(false);
      if (!progress) {
        return this;
      }
    }
    fail("the engines never settled");
    return this;
  }

  /** Runs the handshake alone and checks that it completed on both sides. */
  EnginePair handshake() throws SSLException {
    client.engine.beginHandshake();
    server.engine.beginHandshake();
    pump();
    assertEquals(1, client.finished, "client: " + client.log);
    assertEquals(1, server.finished, "server: " + server.log);
    assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.engine.getHandshakeStatus());
    assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.engine.getHandshakeStatus());
    return this;
  }

  /** Sends {@code data} from one end and returns what the other delivered meanwhile. */
  byte[] transfer(End from, byte[] data) throws SSLException {
    End to = from.peer();
    to.received.reset();
    from.send(data);
    pump();
    return to.received.toByteArray();
  }

  /**
   * The network bytes of one wrap of {@code data} by {@code from}, which must consume all of it
   * (one record), kept off the wire.
   */
  byte[] wrapAlone(End from, byte[] data) throws SSLException {
    ByteBuffer net = ByteBuffer.allocate(from.packetSize());
    SSLEngineResult r = from.engine.wrap(ByteBuffer.wrap(data), net);
    assertEquals(Status.OK, r.getStatus(), r.toString());
    assertEquals(data.length, r.bytesConsumed(), r.toString());
    net.flip();
    return bytes(net);
  }

  /**
   * After a tolerant {@link #pump}: the stream has ended, so each end whose inbound side is not
   * done closes it, as a driver does at end of stream; a failure there is recorded too.
   */
  void endOfStream() {
    for (End e : List.of(client, server)) {
      if (!e.engine.isInboundDone()) {
        try {
          e.engine.closeInbound();
        } catch (SSLException x) {
          if (e.failure == null) {
            e.failure = x;
            e.failedIn = "closeInbound";
          }
        }
      }
    }
  }

  /**
   * Runs a whole conversation (handshake, {@code c2s} and {@code s2c} both ways, both CLOSEs) over
   * a fresh pair from {@code pairs} whose wire flips bit {@code bit} of the {@code fromClient}
   * direction's byte stream, and checks that the flip was rejected: the engine receiving that
   * direction ends with a typed {@link SSLException} (from an unwrap, or from {@code closeInbound}
   * when its stream ends short), no engine delivers a byte that was not sent, and every failed
   * engine then answers {@code CLOSED} without throwing.
   *
   * @return the pair, for further checks; {@code null} when the stream has no such bit
   */
  static EnginePair assertFlipRejected(
      java.util.function.Supplier<EnginePair> pairs,
      boolean fromClient,
      long bit,
      byte[] c2s,
      byte[] s2c)
      throws SSLException {
    EnginePair p = pairs.get();
    long at = bit / 8;
    boolean[] flipped = {false};
    p.wire =
        (dir, offset, b) -> {
          if (dir == fromClient && at >= offset && at < offset + b.length) {
            b[(int) (at - offset)] ^= (byte) (1 << (bit % 8));
            flipped[0] = true;
          }
        };
    p.tolerant = true;
    p.client.send(c2s);
    p.server.send(s2c);
    p.client.closeAfterSending = true;
    p.server.closeAfterSending = true;
    p.client.engine.beginHandshake();
    p.server.engine.beginHandshake();
    p.pump();
    p.endOfStream();
    if (!flipped[0]) {
      return null;
    }
    String where = (fromClient ? "client to server" : "server to client") + ", bit " + bit;
    End receiver = fromClient ? p.server : p.client;
    assertTrue(
        receiver.failure != null,
        where + ": silently accepted; client " + p.client.log + " server " + p.server.log);
    assertTrue(typed(receiver.failure), where + ": " + receiver.failure);
    assertPrefix(c2s, p.server.received.toByteArray(), where + ", what the server delivered");
    assertPrefix(s2c, p.client.received.toByteArray(), where + ", what the client delivered");
    for (End e : List.of(p.client, p.server)) {
      if (e.failure != null) {
        assertTrue(typed(e.failure), where + ", " + e.name + ": " + e.failure);
        assertClosedQuietly(e.engine);
      }
    }
    return p;
  }

  static void assertPrefix(byte[] sent, byte[] got, String what) {
    assertTrue(got.length <= sent.length, what + ": more than was sent");
    for (int i = 0; i < got.length; i++) {
      if (sent[i] != got[i]) {
        fail(what + ": byte " + i + " differs from what was sent");
      }
    }
  }

  /**
   * Checks an engine that has ended: whatever it is given, wrap and unwrap answer {@code CLOSED},
   * consume and deliver nothing, and throw nothing.
   */
  static void assertClosedQuietly(SSLEngine e) throws SSLException {
    ByteBuffer net = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    ByteBuffer app = ByteBuffer.allocate(e.getSession().getApplicationBufferSize());
    for (int i = 0; i < 3; i++) {
      SSLEngineResult w = e.wrap(ByteBuffer.wrap(new byte[10]), net);
      assertEquals(Status.CLOSED, w.getStatus(), "wrap after the end: " + w);
      assertEquals(0, w.bytesConsumed());
      assertEquals(0, w.bytesProduced());
      ByteBuffer junk = ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 20, 1, 2, 3});
      SSLEngineResult u = e.unwrap(junk, app);
      assertEquals(Status.CLOSED, u.getStatus(), "unwrap after the end: " + u);
      assertEquals(0, u.bytesProduced());
      assertEquals(0, u.bytesConsumed());
      e.closeInbound();
      e.closeOutbound();
    }
    assertTrue(e.isInboundDone() && e.isOutboundDone());
    assertEquals(0, app.position(), "no plaintext after the end");
  }
}
