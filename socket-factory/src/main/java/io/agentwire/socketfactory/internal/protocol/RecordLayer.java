package io.agentwire.socketfactory.internal.protocol;

import static io.agentwire.socketfactory.internal.protocol.WireFormat.ALERT;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.CLOSE;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.DATA;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.KEY_SHARE;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.KEY_SHARE_LENGTH;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.KEY_SHARE_REPLY;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.KEY_SWITCH;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAX_ALERT;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RECORD_HEADER;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.REKEY;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.socketfactory.AgentConnectionException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import io.agentwire.socketfactory.RekeyPolicy;
import io.agentwire.socketfactory.identity.AgentKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.KeyAgreement;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;
import javax.security.auth.DestroyFailedException;

/**
 * The transport half of the AgentWire wire protocol ({@code docs/PROTOCOL.md}): typed records
 * inside Noise transport messages (data, authenticated close, rekey, the DH step, alert), padding,
 * and the rekey policy. I/O-free: it seals into and opens from caller-owned arrays.
 *
 * <p>Thread-safety: the sending methods run under the socket's write lock and the receiving methods
 * under its read lock, so one reader and one writer may use it at once. They meet only in the
 * DH-step state, guarded by {@code dhLock}, and in the queue of control records the reader asks the
 * writer to send.
 */
public final class RecordLayer {

  static final int TAG = AeadCipher.TAG_LENGTH;

  private static final byte[] NOTHING = new byte[0];

  /** What opening a record produced. */
  enum Opened {
    DATA,
    CONTROL,
    CLOSED
  }

  private final NoiseTransport transport;
  private final boolean raw;
  private final Framing framing;
  private final int header;
  private final int maxPlaintext;
  private final boolean client;
  private final int padding;
  private final RekeyPolicy policy;
  private final AgentSocketConfig config;
  private final int maxContent;

  // Sending side (write lock; the DH-step fields also under dhLock where a step starts).
  private long recordsSinceRekey;
  private long bytesSinceRekey;
  private long recordsSinceDh;
  private long lastDhStep = System.nanoTime();
  private volatile boolean closeSent;

  // Receiving side (read lock).
  private byte[] plain; // this layer's own buffer, for adapters that read plaintext piecemeal
  private byte[] delivered; // the buffer holding the plaintext being delivered
  private int plainPos;
  private int plainLimit;
  private boolean closeReceived;

  // The DH step, shared by both sides.
  private final Object dhLock = new Object();
  private KeyPair ownShare; // our KEY_SHARE, waiting for the reply
  private boolean replyQueued; // we answered a KEY_SHARE and have not sent the reply yet
  private boolean switchQueued; // we got our reply and have not sent the KEY_SWITCH yet
  private byte[] awaitingSwitch; // secret for the peer's KEY_SWITCH
  private final ArrayDeque<Control> controls = new ArrayDeque<>();
  private final AtomicLong dhSteps = new AtomicLong(); // steps whose both directions switched here
  private PrivateKey scrubKey; // see scrub()

  private static final class Control {
    final byte type;
    final byte[] content;
    final byte[] ratchetAfter;

    Control(byte type, byte[] content, byte[] ratchetAfter) {
      this.type = type;
      this.content = content;
      this.ratchetAfter = ratchetAfter;
    }
  }

  RecordLayer(NoiseTransport transport, AgentSocketConfig config, Framing framing, boolean client) {
    this.transport = transport;
    this.config = config;
    this.raw = !framing.typedRecords();
    this.framing = framing;
    this.header = framing.headerBytes();
    this.maxPlaintext = framing.maxBody() - TAG;
    this.client = client;
    this.padding = raw ? 0 : config.paddingBlock();
    this.policy = config.rekeyPolicy();
    int max = maxPlaintext;
    if (raw) {
      maxContent = max;
    } else if (padding > 1) {
      maxContent = Math.min(framing.maxData(), (max / padding) * padding - RECORD_HEADER);
    } else {
      maxContent = Math.min(framing.maxData(), max - RECORD_HEADER);
    }
  }

  /** Whether this side may send (a one-way pattern's responder only receives). */
  boolean canSend() {
    return !transport.protocol().isOneWay() || client;
  }

  /** The most application bytes one record carries. */
  int maxContent() {
    return maxContent;
  }

  /**
   * The most application bytes a transport frame body of {@code bodyLength} bytes can deliver,
   * known before decrypting it, so an adapter can refuse a destination too small without touching a
   * nonce. Bounded by what the peer may send (section 4: a DATA record carries at most {@link
   * Framing#maxData()} bytes, which {@link #openInto} enforces), not by this side's own {@link
   * #maxContent()}: padding makes ours smaller than a peer's, and an adapter that trusted the
   * smaller bound would leave part of a record undelivered.
   */
  int maxDeliverable(int bodyLength) {
    int plaintext = bodyLength - TAG - (raw ? 0 : RECORD_HEADER);
    return Math.max(0, Math.min(framing.maxData(), plaintext));
  }

  /** Where a data record's content starts, from the start of its frame. */
  int contentOffset() {
    return header + (raw ? 0 : RECORD_HEADER);
  }

  /** The most content a data record may carry so that its frame fits {@code frameSpace} bytes. */
  int contentFitting(int frameSpace) {
    int plaintext = frameSpace - header - TAG;
    if (!raw && padding > 1) {
      plaintext = (plaintext / padding) * padding;
    }
    int content = plaintext - (raw ? 0 : RECORD_HEADER);
    return Math.max(0, Math.min(maxContent, content));
  }

  /**
   * The most bytes the control records around one data record can take: two queued replies and a
   * KEY_SHARE before it, a REKEY after it (section 4.3).
   */
  int controlsAroundData() {
    return 4 * frameSize(KEY_SHARE_LENGTH);
  }

  /** The size of the frame that carries {@code content} bytes. */
  int frameSize(int content) {
    return header + plaintextSize(content) + TAG;
  }

  private int plaintextSize(int content) {
    if (raw) {
      return content;
    }
    int n = RECORD_HEADER + content;
    if (padding > 1) {
      n = Math.min(((n + padding - 1) / padding) * padding, (maxPlaintext / padding) * padding);
    }
    return n;
  }

  /** The largest frame any control record of this layer needs. */
  int maxControlFrame() {
    return frameSize(512);
  }

  // ------------------------------------------------------------------ sending (write lock)

  /**
   * Seals one data record carrying {@code src[off, off+len)} ({@code len <= maxContent()}) into
   * {@code out} at {@code pos}: the frame header, then the Noise transport message. The plaintext
   * is assembled in place and encrypted in place, so each byte is copied once.
   *
   * @return the frame's size
   */
  int sealData(byte[] src, int off, int len, byte[] out, int pos) throws SSLException {
    return seal(DATA, src, off, len, out, pos);
  }

  private int seal(byte type, byte[] src, int off, int len, byte[] out, int pos)
      throws SSLException {
    int ptLen = plaintextSize(len);
    int body = pos + header;
    int start = body;
    if (!raw) {
      out[body] = type;
      out[body + 1] = (byte) (len >>> 8);
      out[body + 2] = (byte) len;
      start += RECORD_HEADER;
    }
    System.arraycopy(src, off, out, start, len);
    Arrays.fill(out, start + len, body + ptLen, (byte) 0);
    int ctLen;
    try {
      ctLen = transport.encrypt(null, out, body, ptLen, out, body);
    } catch (GeneralSecurityException e) {
      throw new AgentConnectionException(
          FailureReason.INTERNAL, "could not encrypt a record: " + e.getMessage(), e);
    }
    framing.writeHeader(out, pos, false, ctLen);
    recordsSinceRekey++;
    bytesSinceRekey += len;
    recordsSinceDh++;
    return header + ctLen;
  }

  /**
   * Before a data record: sends what the reader queued, then the KEY_SHARE of a DH step if the
   * policy's record count or interval asks for one (section 4.3 of the protocol). {@code out} must
   * have {@link #maxControlFrame()} times three bytes free at {@code pos}.
   *
   * @return the bytes written at {@code pos}
   */
  int beforeData(byte[] out, int pos) throws SSLException {
    int written = flushControls(out, pos, 2);
    if (raw) {
      return written;
    }
    if (recordsSinceDh >= policy.dhMessages()
        || (policy.dhInterval() != null
            && System.nanoTime() - lastDhStep >= policy.dhInterval().toNanos())) {
      written += startDhStep(out, pos + written);
    }
    return written;
  }

  /**
   * After a data record: a REKEY record and a symmetric rekey of the sending key if the policy's
   * record or byte count is reached (section 4.1 of the protocol). Rekeying right after the record
   * rather than before the next one means the key in memory has encrypted nothing yet when the
   * limit is one record. {@code out} must have {@link #maxControlFrame()} bytes free at {@code
   * pos}.
   *
   * @return the bytes written at {@code pos}
   */
  int afterData(byte[] out, int pos) throws SSLException {
    if (raw || (recordsSinceRekey < policy.messages() && bytesSinceRekey < policy.bytes())) {
      return 0;
    }
    int written = seal(REKEY, NOTHING, 0, 0, out, pos);
    try {
      transport.rekeySending();
    } catch (GeneralSecurityException e) {
      throw new AgentConnectionException(
          FailureReason.INTERNAL, "rekey failed: " + e.getMessage(), e);
    }
    recordsSinceRekey = 0;
    bytesSinceRekey = 0;
    return written;
  }

  /**
   * Starts a DH step now, whatever the policy says, unless one is under way; returns the bytes
   * written. A policy trigger that finds a step under way stays due, so the next step starts at the
   * first data record after that one completes.
   */
  int startDhStep(byte[] out, int pos) throws SSLException {
    synchronized (dhLock) {
      if (ownShare != null || replyQueued || switchQueued || awaitingSwitch != null) {
        return 0; // a step is already under way
      }
      lastDhStep = System.nanoTime();
      recordsSinceDh = 0;
      ownShare = generate();
      byte[] pub = AgentKeys.raw(ownShare.getPublic());
      // Sealed under dhLock: once the reader can drop our share, it is either not sent at all or
      // already ahead of any reply the reader queues.
      return seal(KEY_SHARE, pub, 0, pub.length, out, pos);
    }
  }

  /** Whether a DH step leaves the peer owing us a record (its reply or its switch). */
  boolean awaitsPeerControl() {
    synchronized (dhLock) {
      return ownShare != null || awaitingSwitch != null;
    }
  }

  /** Whether the reader has queued control records for the writer. */
  boolean hasControls() {
    synchronized (dhLock) {
      return !controls.isEmpty();
    }
  }

  /** Seals at most {@code max} queued control records; returns the bytes written. */
  int flushControls(byte[] out, int pos, int max) throws SSLException {
    int written = 0;
    for (int i = 0; i < max; i++) {
      Control c;
      synchronized (dhLock) {
        c = controls.poll();
        if (c == null) {
          break;
        }
        written += seal(c.type, c.content, 0, c.content.length, out, pos + written);
        if (c.type == KEY_SHARE_REPLY) {
          replyQueued = false;
        } else if (c.type == KEY_SWITCH) {
          switchQueued = false;
        }
      }
      if (c.ratchetAfter != null) {
        try {
          transport.dhStepSending(c.ratchetAfter);
        } catch (GeneralSecurityException e) {
          throw new AgentConnectionException(
              FailureReason.INTERNAL, "DH step failed: " + e.getMessage(), e);
        } finally {
          Arrays.fill(c.ratchetAfter, (byte) 0);
        }
        recordsSinceRekey = 0;
        bytesSinceRekey = 0;
        if (c.type == KEY_SHARE_REPLY) {
          // Answering counts as taking a step: the DH triggers count from a KEY_SHARE or a reply.
          recordsSinceDh = 0;
          lastDhStep = System.nanoTime();
        } else {
          dhSteps.incrementAndGet(); // the initiator's receiving key switched at the reply
        }
      }
    }
    return written;
  }

  /** Seals the authenticated close (section "Close" of the protocol); idempotent. */
  int sealClose(byte[] out, int pos) throws SSLException {
    if (closeSent || raw) {
      return 0;
    }
    synchronized (dhLock) {
      closeSent = true;
      return seal(CLOSE, NOTHING, 0, 0, out, pos);
    }
  }

  boolean closeSent() {
    return closeSent;
  }

  /** Seals a fatal alert whose text the peer shows in its exception. */
  int sealAlert(String reason, byte[] out, int pos) throws SSLException {
    if (raw) {
      return 0;
    }
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, MAX_ALERT);
    closeSent = true;
    return seal(ALERT, text, 0, n, out, pos);
  }

  // ---------------------------------------------------------------- receiving (read lock)

  /**
   * Opens one frame body (a Noise transport message). A forged or replayed message fails
   * authentication and changes no state.
   */
  Opened open(byte[] in, int off, int len) throws SSLException {
    if (len >= TAG && (plain == null || plain.length < len - TAG)) {
      // Grows to the largest record seen, so a connection of small messages stays small.
      plain =
          new byte
              [Math.max(
                  len - TAG, Math.min(2 * (plain == null ? 512 : plain.length), maxPlaintext))];
    }
    return openInto(in, off, len, plain);
  }

  /**
   * Opens one frame body into {@code into}, a caller's buffer of at least the body's length (an
   * engine's per-thread scratch, which {@link #readPlain} wipes as it delivers). Whatever the
   * outcome, no plaintext but undelivered DATA content stays in {@code into}.
   */
  Opened openInto(byte[] in, int off, int len, byte[] into) throws SSLException {
    if (len < TAG) {
      throw new AgentProtocolException(
          FailureReason.MALFORMED,
          "a record of " + len + " bytes is shorter than its " + TAG + "-byte tag");
    }
    delivered = into;
    Opened opened = null;
    try {
      opened = decryptAndParse(in, off, len, into);
      return opened;
    } finally {
      if (opened != Opened.DATA && into != plain) {
        Arrays.fill(into, 0, Math.min(into.length, len), (byte) 0);
      }
    }
  }

  private Opened decryptAndParse(byte[] in, int off, int len, byte[] plain) throws SSLException {
    int ptLen;
    try {
      ptLen = transport.decrypt(null, in, off, len, plain, 0);
    } catch (AEADBadTagException e) {
      SSLException failure =
          new AgentConnectionException(
              FailureReason.AUTHENTICATION_FAILED,
              "a record failed authentication: it was altered, replayed, reordered or forged");
      failure.initCause(e);
      throw failure;
    } catch (GeneralSecurityException e) {
      throw new AgentConnectionException(
          FailureReason.INTERNAL, "could not decrypt a record: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw new AgentProtocolException(
          FailureReason.UNEXPECTED_MESSAGE,
          "the peer sent a message this pattern does not allow: " + e.getMessage());
    }
    if (raw) {
      plainPos = 0;
      plainLimit = ptLen;
      return ptLen > 0 ? Opened.DATA : Opened.CONTROL;
    }
    if (ptLen < RECORD_HEADER) {
      throw new AgentProtocolException(
          FailureReason.MALFORMED, "a record of " + ptLen + " bytes has no header");
    }
    byte type = plain[0];
    int contentLength = ((plain[1] & 0xff) << 8) | (plain[2] & 0xff);
    if (RECORD_HEADER + contentLength > ptLen) {
      throw new AgentProtocolException(
          FailureReason.MALFORMED,
          "a record claims " + contentLength + " bytes but carries " + (ptLen - RECORD_HEADER));
    }
    int nonZero = 0;
    for (int i = RECORD_HEADER + contentLength; i < ptLen; i++) {
      nonZero |= plain[i];
    }
    if (nonZero != 0) {
      throw new AgentProtocolException(FailureReason.MALFORMED, "record padding is not zero");
    }
    switch (type) {
      case DATA:
        if (contentLength > framing.maxData()) {
          throw new AgentProtocolException(
              FailureReason.MALFORMED,
              "a DATA record of "
                  + contentLength
                  + " bytes; records carry at most "
                  + framing.maxData());
        }
        plainPos = RECORD_HEADER;
        plainLimit = RECORD_HEADER + contentLength;
        return contentLength > 0 ? Opened.DATA : Opened.CONTROL;
      case CLOSE:
        expectEmpty(contentLength, "close");
        closeReceived = true;
        return Opened.CLOSED;
      case REKEY:
        expectEmpty(contentLength, "rekey");
        try {
          transport.rekeyReceiving();
        } catch (GeneralSecurityException e) {
          throw new AgentConnectionException(
              FailureReason.INTERNAL, "rekey failed: " + e.getMessage(), e);
        }
        return Opened.CONTROL;
      case KEY_SHARE:
        onKeyShare(Arrays.copyOfRange(plain, RECORD_HEADER, RECORD_HEADER + contentLength));
        return Opened.CONTROL;
      case KEY_SHARE_REPLY:
        onKeyShareReply(Arrays.copyOfRange(plain, RECORD_HEADER, RECORD_HEADER + contentLength));
        return Opened.CONTROL;
      case KEY_SWITCH:
        expectEmpty(contentLength, "key switch");
        onKeySwitch();
        return Opened.CONTROL;
      case ALERT:
        String reason = new String(plain, RECORD_HEADER, contentLength, StandardCharsets.UTF_8);
        throw new AgentConnectionException(
            FailureReason.PEER_ALERT, "the peer ended the connection: " + sanitize(reason));
      default:
        throw new AgentProtocolException(
            FailureReason.MALFORMED, "unknown record type " + (type & 0xff));
    }
  }

  private static void expectEmpty(int contentLength, String what) throws SSLProtocolException {
    if (contentLength != 0) {
      throw new AgentProtocolException(
          FailureReason.MALFORMED, "a " + what + " record carries no content");
    }
  }

  private void onKeyShare(byte[] peerShare) throws SSLException {
    synchronized (dhLock) {
      if (closeSent) {
        return; // we send nothing more, so there is no sending key to renew
      }
      if (ownShare != null) {
        if (client) {
          return; // both started a step at once: the client's wins, the server answers it
        }
        destroy(ownShare);
        ownShare = null;
      }
      if (awaitingSwitch != null || replyQueued) {
        throw new AgentProtocolException(
            FailureReason.UNEXPECTED_MESSAGE, "a DH step started before the previous one finished");
      }
      KeyPair mine = generate();
      try {
        byte[] secret = agree(mine, peerShare);
        awaitingSwitch = secret.clone();
        replyQueued = true;
        controls.add(new Control(KEY_SHARE_REPLY, AgentKeys.raw(mine.getPublic()), secret));
      } finally {
        destroy(mine);
      }
    }
  }

  private void onKeyShareReply(byte[] peerShare) throws SSLException {
    synchronized (dhLock) {
      if (ownShare == null) {
        throw new AgentProtocolException(
            FailureReason.UNEXPECTED_MESSAGE, "a DH step reply arrived for no request");
      }
      byte[] secret;
      try {
        secret = agree(ownShare, peerShare);
      } finally {
        destroy(ownShare);
        ownShare = null;
      }
      try {
        transport.dhStepReceiving(secret);
      } catch (GeneralSecurityException e) {
        throw new AgentConnectionException(
            FailureReason.INTERNAL, "DH step failed: " + e.getMessage(), e);
      }
      if (closeSent) {
        Arrays.fill(secret, (byte) 0); // our direction is closed: no switch to announce
        return;
      }
      switchQueued = true;
      controls.add(new Control(KEY_SWITCH, NOTHING, secret));
    }
  }

  private void onKeySwitch() throws SSLException {
    byte[] secret;
    synchronized (dhLock) {
      secret = awaitingSwitch;
      awaitingSwitch = null;
    }
    if (secret == null) {
      throw new AgentProtocolException(
          FailureReason.UNEXPECTED_MESSAGE, "a key switch arrived without a DH step");
    }
    try {
      transport.dhStepReceiving(secret);
    } catch (GeneralSecurityException e) {
      throw new AgentConnectionException(
          FailureReason.INTERNAL, "DH step failed: " + e.getMessage(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    dhSteps.incrementAndGet(); // the answering side's sending key switched with its reply
  }

  /** DH steps after which both of this side's keys have switched (tests and diagnostics). */
  long dhStepsCompleted() {
    return dhSteps.get();
  }

  /** The live transport (package access: the keys never leave the provider). */
  NoiseTransport transport() {
    return transport;
  }

  int plainAvailable() {
    return plainLimit - plainPos;
  }

  int readPlain(java.nio.ByteBuffer dst) {
    int n = Math.min(dst.remaining(), plainLimit - plainPos);
    dst.put(delivered, plainPos, n);
    return delivered(n);
  }

  int readPlain(byte[] b, int off, int len) {
    int n = Math.min(len, plainLimit - plainPos);
    System.arraycopy(delivered, plainPos, b, off, n);
    return delivered(n);
  }

  private int delivered(int n) {
    plainPos += n;
    if (plainPos == plainLimit) {
      // Drop delivered plaintext from memory as soon as the application has it.
      Arrays.fill(delivered, 0, plainLimit, (byte) 0);
      plainPos = 0;
      plainLimit = 0;
    }
    return n;
  }

  /**
   * Moves plaintext still undelivered from a caller's scratch array ({@link #openInto}) into this
   * layer's own buffer and wipes it from the scratch, so the next use of that scratch, by any
   * connection, neither overwrites it nor delivers it here.
   */
  void keepUndelivered() {
    if (delivered == plain || plainPos == plainLimit) {
      return;
    }
    int n = plainLimit - plainPos;
    if (plain == null || plain.length < n) {
      plain = new byte[n];
    }
    System.arraycopy(delivered, plainPos, plain, 0, n);
    Arrays.fill(delivered, 0, plainLimit, (byte) 0);
    delivered = plain;
    plainPos = 0;
    plainLimit = n;
  }

  /** Raw mode: data the peer put in handshake payloads, delivered before transport data. */
  void preload(byte[] data) {
    if (data.length == 0) {
      return;
    }
    plain = new byte[Math.max(maxPlaintext, data.length)];
    delivered = plain;
    System.arraycopy(data, 0, plain, 0, data.length);
    plainPos = 0;
    plainLimit = data.length;
  }

  boolean closeReceived() {
    return closeReceived;
  }

  void destroy() {
    transport.destroy();
    synchronized (dhLock) {
      if (ownShare != null) {
        destroy(ownShare);
        ownShare = null;
      }
      if (awaitingSwitch != null) {
        Arrays.fill(awaitingSwitch, (byte) 0);
        awaitingSwitch = null;
      }
      for (Control c : controls) {
        if (c.ratchetAfter != null) {
          Arrays.fill(c.ratchetAfter, (byte) 0);
        }
      }
      controls.clear();
    }
    if (plain != null) {
      Arrays.fill(plain, (byte) 0);
    }
  }

  // ------------------------------------------------------------------------- DH helpers

  private KeyPair generate() throws SSLException {
    try {
      return KeyPairGenerator.getInstance("X25519", config.cryptoProvider()).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AgentConnectionException(
          FailureReason.INTERNAL, "cannot generate a DH step key: " + e.getMessage(), e);
    }
  }

  private byte[] agree(KeyPair mine, byte[] peerShare) throws SSLException {
    if (peerShare.length != KEY_SHARE_LENGTH) {
      throw new AgentProtocolException(
          FailureReason.BAD_KEY_SHARE,
          "a DH step key is " + KEY_SHARE_LENGTH + " bytes, not " + peerShare.length);
    }
    KeyAgreement ka = null;
    try {
      PublicKey peer = AgentKeys.fromRaw(peerShare);
      ka = KeyAgreement.getInstance("X25519", config.cryptoProvider());
      ka.init(mine.getPrivate());
      ka.doPhase(peer, true);
      return ka.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new AgentProtocolException(
          FailureReason.BAD_KEY_SHARE, "the peer's DH step key is unusable: " + e.getMessage());
    } finally {
      if (ka != null) {
        scrub(ka);
      }
    }
  }

  /**
   * A KeyAgreement keeps its own copy of the private scalar until it is initialised again, and the
   * JCA has no call to wipe it. AgentWire's implementation overwrites the old copy on {@code init},
   * so initialising it once more with a fixed, public key leaves no copy of the ephemeral scalar.
   * With another provider this is harmless and may not wipe. Called under {@code dhLock}.
   */
  private void scrub(KeyAgreement ka) {
    try {
      if (scrubKey == null) {
        scrubKey =
            KeyFactory.getInstance("X25519", config.cryptoProvider())
                .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, new byte[32]));
      }
      ka.init(scrubKey);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A provider that cannot: its copy is only dropped, as before.
    }
  }

  private static void destroy(KeyPair pair) {
    try {
      pair.getPrivate().destroy();
    } catch (DestroyFailedException | RuntimeException e) {
      // Keys from a provider that cannot destroy them are only dropped.
    }
  }

  private static String sanitize(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(300).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
