package io.agentwire.socketfactory.internal.protocol;

import static io.agentwire.socketfactory.internal.protocol.WireFormat.EXTENSIONS_LENGTH_BYTES;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.FLAGS_NONE;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.HELLO_FIXED;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAGIC_0;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAGIC_1;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.REJECT_APPLICATION_PROTOCOL;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.REJECT_NAMES_BUDGET;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.REJECT_PROTOCOL;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.REJECT_VERSION;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RESPONSE_ACCEPT;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RESPONSE_FALLBACK;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.RESPONSE_REJECT;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.VERSION;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.prologueFallback;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.prologueInitial;

import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.provider.noise.PeerProof;
import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLProtocolException;

/**
 * The handshake half of the AgentWire wire protocol ({@code docs/PROTOCOL.md}): negotiation in the
 * clear, bound into the Noise prologue, then the Noise handshake messages, with Noise Pipes
 * fallback (IK to XXfallback) and raw mode. I/O-free: frame bodies in, frame bodies out. Not
 * thread-safe; the socket runs it under its handshake lock.
 */
public final class Negotiation {

  private static final byte[] EMPTY = new byte[0];

  /** Where finished frame bodies go; the session adds the length prefix. */
  interface FrameSink {
    void frame(byte[] body, int offset, int length);
  }

  private enum Stage {
    NEW,
    AWAIT_HELLO,
    AWAIT_RESPONSE,
    MESSAGES,
    DONE
  }

  private final AgentSocketConfig config;
  private final Framing framing;
  private final boolean client;
  private final String host;
  private final boolean identifyEndpoint;
  private final List<String> suites;
  private final boolean needPeerStatic;
  private final List<String> applicationProtocols;
  private final Function<List<String>, String> applicationProtocolSelector;
  private String applicationProtocol; // null until known, "" for none
  private Stage stage = Stage.NEW;
  private NoiseHandshake hs;
  private byte[] helloBody;
  private boolean peerVerified;
  private int messagesRead;
  private String peerName;
  private PublicKey peerStatic;
  private NoiseTransport transport;
  private String protocolName;
  private byte[] handshakeHash;
  private final ByteArrayOutputStream rawPayloads = new ByteArrayOutputStream(0);

  Negotiation(ConnectionSettings settings) {
    this.config = settings.config();
    this.framing = settings.framing();
    this.client = settings.client();
    this.host = settings.host();
    this.identifyEndpoint = settings.identifyEndpoint();
    this.suites = settings.suites();
    this.needPeerStatic = settings.needPeerStatic();
    this.applicationProtocols = settings.applicationProtocols();
    this.applicationProtocolSelector = settings.applicationProtocolSelector();
  }

  boolean isComplete() {
    return stage == Stage.DONE;
  }

  boolean started() {
    return stage != Stage.NEW;
  }

  /** Starts the handshake; the client writes its first frame. */
  void start(FrameSink out) throws SSLException {
    if (stage != Stage.NEW) {
      return;
    }
    try {
      if (!framing.negotiates()) {
        NoiseProtocol p = AgentSocketConfig.checkSuite(suites.get(0), true);
        hs = newHandshake(p, client ? NoiseRole.INITIATOR : NoiseRole.RESPONDER, null);
        hs.setPrologue(config.rawPrologue());
        stage = Stage.MESSAGES;
        writeWhileNeeded(out);
        return;
      }
      if (!client) {
        stage = Stage.AWAIT_HELLO;
        return;
      }
      NoiseProtocol chosen = null;
      PublicKey serverKey = null;
      List<String> skipped = new ArrayList<>();
      for (String name : suites) {
        NoiseProtocol p = AgentSocketConfig.checkSuite(name, false);
        String why = whyClientCannotRun(p);
        if (why == null) {
          chosen = p;
          serverKey = knownServerKey().orElse(null);
          break;
        }
        skipped.add(name + " (" + why + ")");
      }
      if (chosen == null) {
        throw new AgentHandshakeException(
            FailureReason.NOT_RUNNABLE, "no enabled Noise protocol can run: " + skipped);
      }
      byte[] name = chosen.name().getBytes(StandardCharsets.US_ASCII);
      byte[] extensions = Extensions.clientHello(applicationProtocols);
      byte[] header = new byte[HELLO_FIXED + name.length + EXTENSIONS_LENGTH_BYTES];
      header[0] = MAGIC_0;
      header[1] = MAGIC_1;
      header[2] = VERSION;
      header[3] = FLAGS_NONE;
      header[4] = (byte) name.length;
      System.arraycopy(name, 0, header, HELLO_FIXED, name.length);
      header[HELLO_FIXED + name.length] = (byte) (extensions.length >>> 8);
      header[HELLO_FIXED + name.length + 1] = (byte) extensions.length;
      header = concat(header, extensions);
      hs = newHandshake(chosen, NoiseRole.INITIATOR, serverKey);
      hs.setPrologue(concat(prologueInitial(), header));
      byte[] message = hs.writeMessage(EMPTY);
      helloBody = concat(header, message);
      stage = Stage.AWAIT_RESPONSE;
      out.frame(helloBody, 0, helloBody.length);
    } catch (GeneralSecurityException e) {
      throw handshakeFailure("could not start the handshake", e);
    }
  }

  /** Consumes one frame body. */
  void onFrame(byte[] buf, int off, int len, FrameSink out) throws SSLException {
    try {
      switch (stage) {
        case AWAIT_HELLO:
          onHello(buf, off, len, out);
          break;
        case AWAIT_RESPONSE:
          onResponse(buf, off, len, out);
          break;
        case MESSAGES:
          readMessage(buf, off, len);
          writeWhileNeeded(out);
          break;
        default:
          throw new AgentProtocolException(
              FailureReason.UNEXPECTED_MESSAGE, "unexpected frame: the handshake is " + stage);
      }
    } catch (SSLProtocolException e) {
      // During the handshake every failure is a handshake failure, so callers catch one type.
      fail();
      throw new AgentHandshakeException(
          FailureReason.of(e).orElse(FailureReason.MALFORMED), e.getMessage(), e);
    } catch (SSLException e) {
      fail();
      throw e;
    } catch (GeneralSecurityException e) {
      fail();
      throw handshakeFailure("handshake message rejected", e);
    } catch (RuntimeException e) {
      fail();
      throw new AgentHandshakeException(
          FailureReason.MALFORMED, "malformed handshake: " + e.getMessage(), e);
    }
  }

  private void onHello(byte[] buf, int off, int len, FrameSink out)
      throws GeneralSecurityException, SSLException {
    if (len > 0 && buf[off] == 1) {
      // A TLS 1.3 ClientHello (handshake type 1) in a record whose version is 3.3, as ours.
      throw new AgentHandshakeException(
          FailureReason.NOT_AGENTWIRE, "the peer speaks TLS, not AgentWire (a TLS ClientHello)");
    }
    if (len < HELLO_FIXED || buf[off] != MAGIC_0 || buf[off + 1] != MAGIC_1) {
      throw new AgentHandshakeException(
          FailureReason.NOT_AGENTWIRE, "the peer is not an AgentWire client (no 'AW' hello)");
    }
    int version = buf[off + 2] & 0xff;
    if (version == VERSION && buf[off + 3] != FLAGS_NONE) {
      throw new AgentHandshakeException(
          FailureReason.UNSUPPORTED_VERSION,
          "unknown AgentWire hello flags " + (buf[off + 3] & 0xff));
    }
    if (version != VERSION) {
      sendReject(out, REJECT_VERSION);
      throw new AgentHandshakeException(
          FailureReason.UNSUPPORTED_VERSION,
          "the client speaks AgentWire version " + version + "; this server speaks " + VERSION);
    }
    int nameLength = buf[off + 4] & 0xff;
    if (len < HELLO_FIXED + nameLength || nameLength == 0) {
      throw new AgentProtocolException(FailureReason.MALFORMED, "truncated AgentWire hello");
    }
    String name = new String(buf, off + HELLO_FIXED, nameLength, StandardCharsets.US_ASCII);
    String printable = printable(name);
    NoiseProtocol p = null;
    String why;
    if (!suites.contains(name)) {
      why = "it is not enabled here";
    } else {
      p = AgentSocketConfig.checkSuite(name, false);
      why = whyServerCannotRun(p);
    }
    if (why != null) {
      sendReject(out, REJECT_PROTOCOL);
      throw new AgentHandshakeException(
          FailureReason.PROTOCOL_REFUSED,
          "the client offered " + printable + " but " + why + "; this server accepts " + suites);
    }
    int extensionsAt = off + HELLO_FIXED + nameLength;
    if (len < HELLO_FIXED + nameLength + EXTENSIONS_LENGTH_BYTES) {
      throw new AgentProtocolException(FailureReason.MALFORMED, "truncated AgentWire hello");
    }
    int extensionsLength = ((buf[extensionsAt] & 0xff) << 8) | (buf[extensionsAt + 1] & 0xff);
    int headerLength = HELLO_FIXED + nameLength + EXTENSIONS_LENGTH_BYTES + extensionsLength;
    if (len < headerLength) {
      throw new AgentProtocolException(
          FailureReason.MALFORMED, "the hello's extensions run past its frame");
    }
    List<String> offered =
        Extensions.offeredProtocols(buf, extensionsAt + EXTENSIONS_LENGTH_BYTES, extensionsLength);
    String chosen = chooseApplicationProtocol(offered);
    if (chosen == null) {
      sendReject(out, REJECT_APPLICATION_PROTOCOL);
      throw new AgentHandshakeException(
          FailureReason.NO_APPLICATION_PROTOCOL,
          "the client offered application protocols "
              + Extensions.printable(offered)
              + "; this server accepts "
              + applicationProtocols);
    }
    applicationProtocol = chosen;
    byte[] serverExtensions = Extensions.serverResponse(chosen);
    helloBody = Arrays.copyOfRange(buf, off, off + len);
    hs = newHandshake(p, NoiseRole.RESPONDER, null);
    hs.setPrologue(concat(prologueInitial(), Arrays.copyOfRange(buf, off, off + headerLength)));
    String fallback = fallbackFor(p, suites);
    try {
      readMessage(buf, off + headerLength, len - headerLength);
    } catch (AEADBadTagException e) {
      if (fallback == null || config.identity() == null) {
        throw e;
      }
      // Noise Pipes (section 10.4): the client used a stale key for us; switch to XXfallback.
      byte[] fbName = fallback.getBytes(StandardCharsets.US_ASCII);
      byte[] response = new byte[2 + fbName.length];
      response[0] = RESPONSE_FALLBACK;
      response[1] = (byte) fbName.length;
      System.arraycopy(fbName, 0, response, 2, fbName.length);
      hs = hs.fallback(fallback);
      hs.setPrologue(fallbackPrologue(response));
      byte[] message = hs.writeMessage(serverExtensions);
      stage = Stage.MESSAGES;
      byte[] frame = concat(response, message);
      out.frame(frame, 0, frame.length);
      return;
    }
    stage = Stage.MESSAGES;
    verifyPeerIfKnown();
    byte[] message = hs.writeMessage(serverExtensions);
    byte[] frame = new byte[1 + message.length];
    frame[0] = RESPONSE_ACCEPT;
    System.arraycopy(message, 0, frame, 1, message.length);
    out.frame(frame, 0, frame.length);
    writeWhileNeeded(out);
  }

  private void onResponse(byte[] buf, int off, int len, FrameSink out)
      throws GeneralSecurityException, SSLException {
    if (len < 1) {
      throw new AgentProtocolException(FailureReason.MALFORMED, "empty handshake response");
    }
    int type = buf[off] & 0xff;
    if (type == RESPONSE_REJECT) {
      throw rejected(buf, off, len);
    }
    stage = Stage.MESSAGES;
    if (type == RESPONSE_ACCEPT) {
      readServerFirst(buf, off + 1, len - 1);
    } else if (type == RESPONSE_FALLBACK) {
      if (len < 2 || len < 2 + (buf[off + 1] & 0xff)) {
        throw new AgentProtocolException(FailureReason.MALFORMED, "truncated fallback response");
      }
      int nameLength = buf[off + 1] & 0xff;
      String name = new String(buf, off + 2, nameLength, StandardCharsets.US_ASCII);
      String expected = fallbackFor(hs.getProtocol(), suites);
      if (!name.equals(expected)) {
        throw new AgentHandshakeException(
            FailureReason.BAD_FALLBACK,
            "the server fell back to "
                + printable(name)
                + ", which does not follow "
                + hs.getProtocolName()
                + (expected == null ? " here (fallback needs the matching XX suite enabled)" : ""));
      }
      hs = hs.fallback(name);
      hs.setPrologue(fallbackPrologue(Arrays.copyOfRange(buf, off, off + 2 + nameLength)));
      readServerFirst(buf, off + 2 + nameLength, len - 2 - nameLength);
    } else {
      throw new AgentProtocolException(
          FailureReason.MALFORMED, "unknown handshake response type " + type);
    }
    writeWhileNeeded(out);
  }

  private SSLHandshakeException rejected(byte[] buf, int off, int len) {
    int reason = len > 1 ? buf[off + 1] & 0xff : 0;
    int version = len > 2 ? buf[off + 2] & 0xff : 0;
    List<String> offered = new ArrayList<>();
    int pos = off + 4;
    int count = len > 3 ? buf[off + 3] & 0xff : 0;
    for (int i = 0; i < count && pos < off + len; i++) {
      int n = buf[pos] & 0xff;
      if (pos + 1 + n > off + len) {
        break;
      }
      offered.add(printable(new String(buf, pos + 1, n, StandardCharsets.US_ASCII)));
      pos += 1 + n;
    }
    if (reason == REJECT_APPLICATION_PROTOCOL) {
      return new AgentHandshakeException(
          FailureReason.NO_APPLICATION_PROTOCOL,
          "the server supports none of the application protocols this client offered "
              + applicationProtocols
              + "; it runs "
              + hs.getProtocolName());
    }
    if (reason == REJECT_VERSION) {
      return new AgentHandshakeException(
          FailureReason.UNSUPPORTED_VERSION,
          "the server speaks AgentWire version "
              + version
              + "; this client speaks "
              + VERSION
              + (version == VERSION ? " (so our hello was altered on the way)" : ""));
    }
    return new AgentHandshakeException(
        FailureReason.PROTOCOL_REFUSED,
        "the server refused "
            + hs.getProtocolName()
            + "; it accepts "
            + offered
            + " (this client enables "
            + suites
            + ")");
  }

  private void sendReject(FrameSink out, int reason) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(RESPONSE_REJECT);
    b.write(reason);
    b.write(VERSION);
    List<String> listed =
        reason == REJECT_APPLICATION_PROTOCOL
            ? List.of()
            : suites.subList(0, Math.min(suites.size(), 255));
    int count = 0;
    ByteArrayOutputStream names = new ByteArrayOutputStream();
    for (String s : listed) {
      byte[] n = s.getBytes(StandardCharsets.US_ASCII);
      if (names.size() + n.length + 1 > REJECT_NAMES_BUDGET) {
        break;
      }
      names.write(n.length);
      names.write(n, 0, n.length);
      count++;
    }
    b.write(count);
    byte[] tail = names.toByteArray();
    b.write(tail, 0, tail.length);
    byte[] frame = b.toByteArray();
    out.frame(frame, 0, frame.length);
  }

  /**
   * Noise Pipes: IK (no other modifier) falls back to XXfallback with the same functions, only
   * where XX with those functions is enabled too (a side that enables only IK never reveals its
   * static key to an unauthenticated prober, nor accepts a key it did not ask for).
   */
  private static String fallbackFor(NoiseProtocol p, List<String> enabled) {
    Optional<NoiseProtocol> fallback = p.pipesFallback();
    return fallback.isPresent() && enabled.contains(fallback.get().withoutFallback().name())
        ? fallback.get().name()
        : null;
  }

  private byte[] fallbackPrologue(byte[] responseHeader) {
    byte[] fallback = prologueFallback();
    byte[] p = new byte[fallback.length + 2 + helloBody.length + responseHeader.length];
    int pos = 0;
    System.arraycopy(fallback, 0, p, pos, fallback.length);
    pos += fallback.length;
    p[pos++] = (byte) (helloBody.length >>> 8);
    p[pos++] = (byte) helloBody.length;
    System.arraycopy(helloBody, 0, p, pos, helloBody.length);
    pos += helloBody.length;
    System.arraycopy(responseHeader, 0, p, pos, responseHeader.length);
    return p;
  }

  private void readMessage(byte[] buf, int off, int len)
      throws GeneralSecurityException, SSLException {
    byte[] payload = readPayload(buf, off, len);
    if (payload.length > 0) {
      if (framing.negotiates()) {
        throw new AgentProtocolException(
            FailureReason.MALFORMED,
            "only the server's first AgentWire handshake message carries a payload; got "
                + payload.length
                + " bytes");
      }
      rawPayloads.write(payload, 0, payload.length);
    }
    verifyPeerIfKnown();
  }

  /** The client reads the server's first message, whose payload holds the server's extensions. */
  private void readServerFirst(byte[] buf, int off, int len)
      throws GeneralSecurityException, SSLException {
    byte[] payload = readPayload(buf, off, len);
    applicationProtocol = Extensions.acceptedProtocol(payload, applicationProtocols);
    verifyPeerIfKnown();
  }

  private byte[] readPayload(byte[] buf, int off, int len)
      throws GeneralSecurityException, SSLException {
    if (hs.getAction() != NoiseHandshake.Action.READ_MESSAGE) {
      throw new AgentProtocolException(
          FailureReason.UNEXPECTED_MESSAGE, "the peer sent a handshake message out of turn");
    }
    byte[] payload = new byte[Math.max(0, len)];
    int n = hs.readMessage(buf, off, len, payload, 0);
    messagesRead++;
    return n == payload.length ? payload : Arrays.copyOf(payload, n);
  }

  /**
   * The server's ALPN choice (section 2.6), as SunJSSE makes it: the selector's answer if there is
   * one, else the first of our protocols the client offered; {@code ""} for none, {@code null} to
   * refuse the connection.
   */
  private String chooseApplicationProtocol(List<String> offered) {
    if (offered.isEmpty()) {
      return ""; // SunJSSE calls no selector when the client offers nothing
    }
    if (applicationProtocolSelector != null) {
      String chosen = applicationProtocolSelector.apply(offered);
      return chosen == null || chosen.isEmpty() || offered.contains(chosen) ? chosen : null;
    }
    if (applicationProtocols.isEmpty()) {
      return "";
    }
    for (String p : applicationProtocols) {
      if (offered.contains(p)) {
        return p;
      }
    }
    return null;
  }

  /** ALPN: {@code null} until known, {@code ""} when none was negotiated. */
  String applicationProtocol() {
    return framing.negotiates() || stage != Stage.DONE ? applicationProtocol : "";
  }

  /** Writes while it is our turn, then splits when the handshake is over. */
  private void writeWhileNeeded(FrameSink out) throws GeneralSecurityException, SSLException {
    while (hs.getAction() == NoiseHandshake.Action.WRITE_MESSAGE) {
      byte[] message = hs.writeMessage(EMPTY);
      out.frame(message, 0, message.length);
    }
    if (hs.getAction() == NoiseHandshake.Action.SPLIT) {
      finish();
    }
  }

  private void finish() throws GeneralSecurityException, SSLException {
    verifyPeerIfKnown();
    if (!peerVerified && needPeerStatic) {
      throw new SSLPeerUnverifiedException(
          hs.getProtocolName()
              + " did not authenticate the peer's static key, and this side requires one");
    }
    protocolName = hs.getProtocolName();
    transport = hs.split();
    handshakeHash = transport.handshakeHash();
    stage = Stage.DONE;
  }

  /**
   * The verifier sees the peer's key once a message we have read proves it, and before we answer,
   * so a client never reveals its identity to a server it would refuse.
   */
  private void verifyPeerIfKnown() throws SSLPeerUnverifiedException {
    if (peerVerified || messagesRead == 0) {
      return;
    }
    Optional<PublicKey> key = hs.getRemoteStaticKey();
    if (key.isEmpty() || !peerKeyProvenAfterReading(hs.getProtocol(), hs.getRole(), messagesRead)) {
      return;
    }
    peerStatic = key.get();
    try {
      peerName = config.peerVerifier().verify(identifyEndpoint ? host : null, peerStatic);
    } catch (SSLPeerUnverifiedException e) {
      if (hs.getAction() == NoiseHandshake.Action.SPLIT && transport == null) {
        // Keys exist: the session can tell the peer why in an encrypted alert.
        try {
          transport = hs.split();
        } catch (GeneralSecurityException ignored) {
          // then it learns nothing, which is safe
        }
      }
      throw e;
    }
    peerVerified = true;
  }

  /**
   * Whether the peer's static key is proven to {@code role} once it has read {@code messagesRead}
   * handshake messages of {@code p}: the pattern's {@link PeerProof} (Noise revision 34, section
   * 7.7) names a handshake message from the peer, and that message has been read. This is the rule
   * {@link #verifyPeerIfKnown} applies; a key proven only by a transport message, or never, is not
   * verified during the handshake.
   */
  static boolean peerKeyProvenAfterReading(NoiseProtocol p, NoiseRole role, int messagesRead) {
    PeerProof proof = p.peerProof(role);
    if (!p.peerHasStaticKey(role) || !proof.byHandshakeMessage()) {
      return false;
    }
    int read = 0;
    for (int m = 1; m <= proof.message(); m++) {
      if (p.sender(m) != role) {
        read++;
      }
    }
    return messagesRead >= read;
  }

  /** Whether some handshake message read by {@code role} proves the peer's static key. */
  static boolean peerKeyProvenByHandshake(NoiseProtocol p, NoiseRole role) {
    return p.peerHasStaticKey(role) && p.peerProof(role).byHandshakeMessage();
  }

  private String whyClientCannotRun(NoiseProtocol p) {
    NoiseRole me = NoiseRole.INITIATOR;
    if (p.needsLocalStaticKey(me) && config.identity() == null) {
      return "needs our identity";
    }
    if (p.needsRemoteStaticKeyInAdvance(me) && knownServerKey().isEmpty()) {
      return "needs the server's key in advance";
    }
    if (!p.peerHasStaticKey(me) && needPeerStatic) {
      return "the server would be anonymous";
    }
    if (p.needsPsk() && !config.hasPsk()) {
      return "needs a PSK";
    }
    return null;
  }

  private String whyServerCannotRun(NoiseProtocol p) {
    NoiseRole me = NoiseRole.RESPONDER;
    if (p.needsLocalStaticKey(me) && config.identity() == null) {
      return "this server has no identity";
    }
    if (p.needsRemoteStaticKeyInAdvance(me) && config.peerKey() == null) {
      return "this server does not know the client's key in advance";
    }
    if (needPeerStatic && !peerKeyProvenByHandshake(p, me)) {
      return "this server requires client authentication, which "
          + p.basePattern()
          + " does not give";
    }
    if (p.needsPsk() && !config.hasPsk()) {
      return "this server has no PSK";
    }
    return null;
  }

  private Optional<PublicKey> knownServerKey() {
    if (config.peerKey() != null) {
      return Optional.of(config.peerKey());
    }
    return host == null ? Optional.empty() : config.peerVerifier().knownKey(host);
  }

  private NoiseHandshake newHandshake(NoiseProtocol p, NoiseRole role, PublicKey serverKey)
      throws GeneralSecurityException, SSLException {
    NoiseHandshake h = NoiseHandshake.getInstance(p.name(), config.cryptoProvider());
    h.init(role);
    if (p.needsLocalStaticKey(role)) {
      if (config.identity() == null) {
        throw new AgentHandshakeException(
            FailureReason.NOT_RUNNABLE, p.name() + " needs a local identity (static key)");
      }
      h.setLocalStaticKey(config.identity().keyPair());
    }
    if (p.needsRemoteStaticKeyInAdvance(role)) {
      PublicKey known = serverKey != null ? serverKey : config.peerKey();
      if (known == null) {
        throw new AgentHandshakeException(
            FailureReason.NOT_RUNNABLE, p.name() + " needs the peer's static key in advance");
      }
      h.setRemoteStaticKey(known);
    }
    for (int position : p.pskPositions()) {
      byte[] psk = config.pskCopy();
      if (psk == null) {
        throw new AgentHandshakeException(FailureReason.NOT_RUNNABLE, p.name() + " needs a PSK");
      }
      try {
        h.setPsk(position, psk);
      } finally {
        Arrays.fill(psk, (byte) 0);
      }
    }
    return h;
  }

  private void fail() {
    if (hs != null) {
      hs.destroy();
    }
  }

  void destroy() {
    fail();
    if (transport != null && stage != Stage.DONE) {
      transport.destroy();
    }
  }

  /** The transport, once; the caller owns it from then on. */
  NoiseTransport transport() {
    return transport;
  }

  String protocolName() {
    return protocolName;
  }

  byte[] handshakeHash() {
    return handshakeHash == null ? new byte[0] : handshakeHash.clone();
  }

  PublicKey peerStatic() {
    return peerStatic;
  }

  String peerName() {
    return peerName;
  }

  /** Raw mode: payloads the peer put in handshake messages, delivered as application data. */
  byte[] takeRawPayloads() {
    byte[] b = rawPayloads.toByteArray();
    rawPayloads.reset();
    return b;
  }

  private static SSLHandshakeException handshakeFailure(String what, GeneralSecurityException e) {
    String reason =
        e instanceof AEADBadTagException
            ? "a handshake message failed authentication (wrong key, PSK or prologue, or tampering)"
            : e.getMessage();
    return new AgentHandshakeException(
        e instanceof AEADBadTagException
            ? FailureReason.AUTHENTICATION_FAILED
            : FailureReason.MALFORMED,
        what + ": " + reason,
        e);
  }

  private static String printable(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
        ? s
        : "(unprintable protocol name of " + s.length() + " bytes)";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
