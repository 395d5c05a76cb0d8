package io.agentwire.socketfactory.internal.protocol;

import io.agentwire.socketfactory.AgentSocketConfig;
import java.security.PublicKey;
import java.util.Arrays;
import javax.net.ssl.SSLException;

/**
 * One connection's AgentWire protocol state, with no I/O: the caller reads bytes from the network
 * into {@link #inboundArray()}, lets {@link #unwrap()} turn whole frames into handshake progress,
 * application data or control, and writes what {@link #wrap} and friends leave in {@link
 * #outboundArray()}. The blocking {@code AgentSocketImpl} drives it today; an {@code SSLEngine} can
 * drive the same object.
 *
 * <p>Thread-safety: the inbound methods need the caller's read lock, the outbound methods its write
 * lock, and the handshake both. Frame bodies are bounded by the 2-byte length, so no length from
 * the wire can make it allocate more than 64 KiB at a time.
 */
public final class ConnectionCore {

  /** Stop adding frames to the outbound buffer beyond this, so writes stay bounded. */
  private static final int OUTBOUND_SOFT_LIMIT = 128 * 1024;

  private static final byte[] NO_INPUT = new byte[0];

  /** What one call to {@link #unwrap()} did. */
  public enum Event {
    NEED_INPUT,
    HANDSHAKE,
    DATA,
    CONTROL,
    CLOSED
  }

  private final AgentSocketConfig config;
  private final boolean client;
  private final Framing framing;
  private final Negotiation negotiation;
  private RecordLayer records;
  private boolean firstFrame = true;

  // Allocated on first use: an engine hands whole frames to unwrapFrame and never needs it.
  private byte[] in = NO_INPUT;
  private int inPos;
  private int inLimit;

  private byte[] out = new byte[1024];
  private int outLength;

  public ConnectionCore(ConnectionSettings settings) {
    this.config = settings.config();
    this.framing = settings.framing();
    this.client = settings.client();
    this.negotiation = new Negotiation(settings);
  }

  // --------------------------------------------------------------------------- handshake

  /** Starts the handshake; a client leaves its first frame in the outbound buffer. */
  public void beginHandshake() throws SSLException {
    negotiation.start(this::appendFrame);
    enterTransportIfDone(); // a one-way initiator is done after its only message
  }

  private void enterTransportIfDone() {
    if (records == null && negotiation.isComplete()) {
      records = new RecordLayer(negotiation.transport(), config, framing, client);
      if (!framing.negotiates()) {
        records.preload(negotiation.takeRawPayloads());
      }
    }
  }

  /** How this connection frames its bytes. */
  public Framing framing() {
    return framing;
  }

  public boolean isHandshakeComplete() {
    return records != null;
  }

  public String protocolName() {
    return negotiation.protocolName();
  }

  public byte[] handshakeHash() {
    return negotiation.handshakeHash();
  }

  public PublicKey peerStatic() {
    return negotiation.peerStatic();
  }

  public String peerName() {
    return negotiation.peerName();
  }

  // ----------------------------------------------------------------------------- inbound

  /** The array to read network bytes into, at {@link #inboundOffset()}. */
  public byte[] inboundArray() {
    return in;
  }

  public int inboundOffset() {
    return inLimit;
  }

  /** Room at {@link #inboundOffset()}, at least enough for the frame being received. */
  public int inboundSpace() {
    if (inPos == inLimit) {
      inPos = 0;
      inLimit = 0;
    }
    int header = framing.headerBytes();
    int needed = header;
    if (inLimit - inPos >= header) {
      // Never more than the largest frame, whatever the length says; unwrap rejects a longer one.
      int length = ((in[inPos + header - 2] & 0xff) << 8) | (in[inPos + header - 1] & 0xff);
      needed += Math.min(length, framing.maxBody());
    }
    if (in.length - inPos < needed) {
      if (in.length < needed || in.length == 0) {
        int initial = Math.min(framing.maxFrame(), 16 * 1024 + header);
        in =
            Arrays.copyOf(
                in,
                Math.max(Math.max(needed, initial), Math.min(2 * in.length, framing.maxFrame())));
      }
      if (in.length - inPos < needed) {
        System.arraycopy(in, inPos, in, 0, inLimit - inPos);
        inLimit -= inPos;
        inPos = 0;
      }
    } else if (in.length - inLimit < 512 && inPos > 0) {
      System.arraycopy(in, inPos, in, 0, inLimit - inPos);
      inLimit -= inPos;
      inPos = 0;
    }
    return in.length - inLimit;
  }

  /** Bytes consumed from network input that no frame has used yet. */
  public int bufferedInput() {
    return inLimit - inPos;
  }

  public void inboundFilled(int n) {
    inLimit += n;
  }

  /**
   * Feeds network bytes that were read elsewhere (a server layered over a socket whose first bytes
   * were consumed).
   */
  public void feed(byte[] data, int off, int len) {
    inboundSpace();
    if (in.length - inLimit < len) {
      in = Arrays.copyOf(in, inLimit + len);
    }
    System.arraycopy(data, off, in, inLimit, len);
    inLimit += len;
  }

  /**
   * Processes at most one complete frame. Needs the read lock, and during the handshake the write
   * lock too (handshake replies go to the outbound buffer). Call only when {@link
   * #plainAvailable()} is 0.
   */
  public Event unwrap() throws SSLException {
    int header = framing.headerBytes();
    int buffered = inLimit - inPos;
    if (buffered < header) {
      return Event.NEED_INPUT;
    }
    int length = framing.bodyLength(in, inPos, records == null, firstFrame && !client);
    if (buffered - header < length) {
      return Event.NEED_INPUT;
    }
    int body = inPos + header;
    inPos += header + length;
    return process(in, body, length);
  }

  /**
   * The size of the frame whose header is at {@code h[off]} ({@link Framing#headerBytes()} bytes),
   * header included, after checking the header as {@link #unwrap()} would: an adapter that keeps
   * its own input (an {@code SSLEngine}) asks this, then passes the whole frame to {@link
   * #unwrapFrame}.
   */
  public int frameSize(byte[] h, int off) throws SSLException {
    return framing.headerBytes()
        + framing.bodyLength(h, off, records == null, firstFrame && !client);
  }

  /**
   * The most application bytes a frame of {@code frameSize} bytes (from {@link #frameSize}) can
   * deliver: an upper bound known before decrypting (0 during the handshake, except raw mode's
   * payloads).
   */
  public int maxDeliverable(int frameSize) {
    int body = frameSize - framing.headerBytes();
    if (records != null) {
      return records.maxDeliverable(body);
    }
    return framing.negotiates() ? 0 : body;
  }

  /**
   * Processes the one complete frame at {@code frame[off]}, checked by {@link #frameSize}, without
   * copying it into the inbound buffer. Locks as {@link #unwrap()}.
   */
  public Event unwrapFrame(byte[] frame, int off, byte[] plainScratch) throws SSLException {
    int header = framing.headerBytes();
    int length = framing.bodyLength(frame, off, records == null, firstFrame && !client);
    return process(frame, off + header, length, plainScratch);
  }

  private Event process(byte[] buf, int body, int length) throws SSLException {
    return process(buf, body, length, null);
  }

  private Event process(byte[] buf, int body, int length, byte[] plainScratch) throws SSLException {
    firstFrame = false;
    if (records == null) {
      if (!negotiation.started()) {
        negotiation.start(this::appendFrame);
      }
      try {
        negotiation.onFrame(buf, body, length, this::appendFrame);
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        alertAfterRefusal(e);
        throw e;
      }
      enterTransportIfDone();
      return Event.HANDSHAKE;
    }
    RecordLayer.Opened opened =
        plainScratch == null
            ? records.open(buf, body, length)
            : records.openInto(buf, body, length, plainScratch);
    switch (opened) {
      case DATA:
        return Event.DATA;
      case CLOSED:
        return Event.CLOSED;
      default:
        return Event.CONTROL;
    }
  }

  private void alertAfterRefusal(javax.net.ssl.SSLPeerUnverifiedException e) {
    // Tell a peer we refuse why, when keys exist to say it securely; never more than the message.
    if (negotiation.transport() != null) {
      RecordLayer layer = new RecordLayer(negotiation.transport(), config, framing, client);
      try {
        ensureOutbound(layer.maxControlFrame());
        outLength += layer.sealAlert("peer verification failed: " + e.getMessage(), out, outLength);
      } catch (SSLException ignored) {
        // best effort
      } finally {
        layer.destroy();
      }
    }
  }

  public int plainAvailable() {
    return records == null ? 0 : records.plainAvailable();
  }

  public int readPlain(byte[] b, int off, int len) {
    return records.readPlain(b, off, len);
  }

  /** Delivers plaintext into {@code dst}, as much as it has room for. */
  public int readPlain(java.nio.ByteBuffer dst) {
    return records.readPlain(dst);
  }

  /**
   * After delivering from a plaintext scratch passed to {@link #unwrapFrame}: keeps what the
   * destinations had no room for in this connection's own buffer, and wipes it from the scratch.
   */
  public void keepUndelivered() {
    if (records != null) {
      records.keepUndelivered();
    }
  }

  /** ALPN (section 2.6): {@code null} until known, {@code ""} when none was negotiated. */
  public String applicationProtocol() {
    return negotiation.applicationProtocol();
  }

  public boolean awaitsPeerControl() {
    return records != null && records.awaitsPeerControl();
  }

  public boolean closeReceived() {
    return records != null && records.closeReceived();
  }

  /** DH steps completed in both directions on this side (tests and diagnostics). */
  public long dhStepsCompleted() {
    return records == null ? 0 : records.dhStepsCompleted();
  }

  /** The live transport, once the handshake is done (package access). */
  io.agentwire.provider.noise.NoiseTransport transport() {
    return records.transport();
  }

  // ---------------------------------------------------------------------------- outbound

  /**
   * Seals as much of {@code src[off, off+len)} as fits the outbound buffer's soft limit (at least
   * one record) as data records, with the control records queued and the ones the rekey policy asks
   * for before and after each. Write lock.
   *
   * @return the number of application bytes consumed
   */
  public int wrap(byte[] src, int off, int len) throws SSLException {
    int consumed = 0;
    while (consumed < len && (consumed == 0 || outLength < OUTBOUND_SOFT_LIMIT)) {
      int n = Math.min(len - consumed, records.maxContent());
      ensureOutbound(4 * records.maxControlFrame() + records.frameSize(n));
      outLength += records.beforeData(out, outLength);
      outLength += records.sealData(src, off + consumed, n, out, outLength);
      outLength += records.afterData(out, outLength);
      consumed += n;
    }
    return consumed;
  }

  /** Copies application bytes into a frame being built, for {@link #wrapInto}. */
  public interface Plaintext {
    void copyTo(byte[] out, int offset, int length);
  }

  /**
   * The frame space {@link #wrapInto} needs for {@code content} bytes of data: the data record and
   * the control records the rekey policy may put around it.
   */
  public int wrapSpace(int content) {
    return records.frameSize(content) + records.controlsAroundData();
  }

  /** The most content {@link #wrapInto} can seal into {@code space} bytes (0 if none fits). */
  public int contentFitting(int space) {
    return records.contentFitting(space - records.controlsAroundData());
  }

  /**
   * Seals one data record of {@code length} bytes, with the control records due before and after
   * it, straight into {@code out[pos]}, which has {@link #wrapSpace}{@code (length)} bytes free:
   * the plaintext is copied once, into the frame, and encrypted in place. Requires an empty
   * outbound buffer (frames leave in order). Write lock.
   *
   * @return the bytes written
   */
  public int wrapInto(Plaintext src, int length, byte[] out, int pos) throws SSLException {
    int start = pos;
    pos += records.beforeData(out, pos);
    int content = pos + records.contentOffset();
    src.copyTo(out, content, length);
    pos += records.sealData(out, content, length, out, pos);
    pos += records.afterData(out, pos);
    return pos - start;
  }

  /**
   * The largest output one wrap produces: a whole frame with the control records around it. An
   * {@code SSLEngine} reports this as its packet buffer size.
   */
  public static int packetBufferSize(AgentSocketConfig config) {
    Framing framing = Framing.of(config);
    int padding = config.isRaw() ? 0 : config.paddingBlock();
    int control = WireFormat.RECORD_HEADER + WireFormat.KEY_SHARE_LENGTH;
    if (padding > 1) {
      control = ((control + padding - 1) / padding) * padding;
    }
    return framing.maxFrame() + 4 * (framing.headerBytes() + control + RecordLayer.TAG);
  }

  /** The most application bytes one record delivers: an engine's application buffer size. */
  public static int applicationBufferSize(AgentSocketConfig config) {
    // Raw mode: a foreign peer's handshake payload may fill a whole 65535-byte message.
    Framing framing = Framing.of(config);
    return framing.negotiates() ? framing.maxData() : framing.maxBody();
  }

  /** Whether this side may write (false for the responder of a one-way pattern). */
  public boolean canSend() {
    return records != null && records.canSend();
  }

  /** Seals what the reader queued (DH step replies). Write lock. */
  public void wrapControls() throws SSLException {
    if (records == null) {
      return;
    }
    while (records.hasControls()) {
      ensureOutbound(3 * records.maxControlFrame());
      outLength += records.flushControls(out, outLength, 2);
    }
  }

  public boolean hasControls() {
    return records != null && records.hasControls();
  }

  /** Starts a DH step now (tests and operators); it completes as the peer answers. */
  public void wrapDhStep() throws SSLException {
    ensureOutbound(records.maxControlFrame());
    outLength += records.startDhStep(out, outLength);
  }

  /** Seals the authenticated close once. Write lock. */
  public void wrapClose() throws SSLException {
    if (records == null) {
      return;
    }
    wrapControls(); // replies the peer waits for go out before our close
    ensureOutbound(3 * records.maxControlFrame());
    outLength += records.sealClose(out, outLength);
  }

  boolean closeSent() {
    return records != null && records.closeSent();
  }

  public byte[] outboundArray() {
    return out;
  }

  public int outboundLength() {
    return outLength;
  }

  public void outboundDrained() {
    outLength = 0;
  }

  private void appendFrame(byte[] body, int offset, int length) {
    if (length > framing.maxBody()) {
      throw new IllegalStateException("a handshake message of " + length + " bytes");
    }
    int header = framing.headerBytes();
    ensureOutbound(header + length);
    framing.writeHeader(out, outLength, true, length);
    System.arraycopy(body, offset, out, outLength + header, length);
    outLength += header + length;
  }

  private void ensureOutbound(int more) {
    if (out.length - outLength < more) {
      out =
          Arrays.copyOf(
              out, Math.max(outLength + more, Math.min(out.length * 2, 2 * OUTBOUND_SOFT_LIMIT)));
    }
  }

  /** Wipes keys and buffers. Takes neither lock: the socket calls it once both are idle. */
  public void destroy() {
    negotiation.destroy();
    if (records != null) {
      records.destroy();
    }
    Arrays.fill(in, (byte) 0);
    Arrays.fill(out, (byte) 0);
  }

  /** The record layer's largest data record, for buffer sizes. */
  public int maxContent() {
    return records == null ? framing.maxData() : records.maxContent();
  }
}
