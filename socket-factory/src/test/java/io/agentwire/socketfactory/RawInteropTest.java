package io.agentwire.socketfactory;

import static io.agentwire.testsupport.Bytes.concat;
import static io.agentwire.testsupport.Bytes.random;
import static io.agentwire.testsupport.Bytes.text;
import static io.agentwire.testsupport.XecKeys.littleEndian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentKeys;
import io.agentwire.socketfactory.identity.AgentPrincipal;
import io.agentwire.socketfactory.identity.PeerVerificationException;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.MiniNoise;
import io.agentwire.testsupport.NoiseJavaKeys;
import io.agentwire.testsupport.NoiseJavaPeer;
import io.agentwire.testsupport.NoisePeer;
import io.agentwire.testsupport.TestThreads;
import io.agentwire.testsupport.XecKeys;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw mode against an independent Noise implementation over real loopback TCP, in both roles: the
 * wire format is a 2-byte big-endian length then the Noise message, our handshake payloads are
 * empty, the peer's handshake payloads reach our application as data, transport messages carry the
 * application bytes directly (at most 65519 each), and TCP EOF ends the stream.
 *
 * <p>The other endpoint is noise-java for every protocol it knows. noise-java implements revision
 * 30, whose PSK scheme differs from revision 34's {@code pskN} modifiers, so the PSK protocols run
 * against {@link MiniNoise}: a small revision 34 handshake written from the specification on top of
 * noise-java's DH, cipher and hash primitives (checked against noise-java itself by {@link
 * #miniNoiseAgreesWithNoiseJava}), so no AgentWire code is on the other side.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawInteropTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int MAX_PLAINTEXT = 65519;
  private static final int BULK = 200 * 1024;
  private static final byte[] PING =
      "ping from the other endpoint".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PONG = "pong from AgentWire".getBytes(StandardCharsets.UTF_8);

  private static final AgentIdentity OURS = AgentIdentity.generate();
  private static final byte[] OURS_PUB = littleEndian(OURS.publicKey());
  private static final AgentIdentity STRANGER = AgentIdentity.generate();
  private static final Map<String, NjKey> PEER_KEYS =
      Map.of("25519", NjKey.generate("25519"), "448", NjKey.generate("448"));
  private static final byte[] PSK = random(32);

  private static final ExecutorService POOL = TestThreads.daemonPool("raw-interop-peer");

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  // ------------------------------------------------------------------------------- scenarios

  static Stream<Arguments> protocols() {
    List<Arguments> all = new ArrayList<>();
    Object[][] specs = {
      {"Noise_NN_25519_ChaChaPoly_SHA256", ""},
      {"Noise_XX_25519_AESGCM_SHA256", "AgentWire raw interop: XX"},
      {"Noise_IK_25519_ChaChaPoly_BLAKE2s", "IK prologue"},
      {"Noise_NK_25519_ChaChaPoly_SHA512", ""},
      {"Noise_KK_25519_AESGCM_BLAKE2b", "KK\0binary\u00ff prologue"},
      {"Noise_XK_25519_ChaChaPoly_SHA256", "XK"},
      {"Noise_NX_25519_AESGCM_SHA512", ""},
      {"Noise_XXpsk3_25519_ChaChaPoly_SHA256", "psk prologue"},
      {"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", ""},
      {"Noise_NN_448_ChaChaPoly_SHA512", "curve448"},
      {"Noise_NN_448_AESGCM_BLAKE2b", ""},
      // AgentWire identities are X25519, so with 448 only the other side can have a static key.
      {"Noise_NX_448_ChaChaPoly_BLAKE2b", "curve448 NX", "initiator only"},
      {"Noise_NK_448_AESGCM_SHA256", "", "initiator only"},
    };
    for (Object[] s : specs) {
      all.add(Arguments.of(s[0], s[1], true));
      if (s.length == 2) {
        all.add(Arguments.of(s[0], s[1], false));
      }
    }
    return all.stream();
  }

  /**
   * The whole user-visible contract of raw mode, per protocol and role: same handshake hash on both
   * ends, the peer's handshake payloads delivered first, our handshake payloads empty, a small
   * message each way, then 200 KB each way split into several transport messages, ended by EOF.
   */
  @ParameterizedTest(name = "{0}, AgentWire initiator={2}")
  @MethodSource("protocols")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void interoperates(String protocol, String prologueText, boolean weInitiate) throws Exception {
    Spec spec = new Spec(protocol, prologueText.getBytes(StandardCharsets.ISO_8859_1));
    byte[] toPeer = random(BULK);
    byte[] fromPeer = random(BULK + 17);
    NoisePeer peer = spec.peer(!weInitiate, spec.prologue, PSK);
    AgentSocketConfig config = spec.ours(weInitiate, null, spec.prologue, PSK);

    try (Connection c = connect(config, weInitiate, sock -> happyPeer(sock, peer, fromPeer))) {
      SSLSocket s = c.ours;
      s.startHandshake();
      AgentSession session = (AgentSession) s.getSession();
      assertEquals(protocol, session.getCipherSuite());
      assertEquals("Noise", session.getProtocol());
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();

      byte[] expectedFirst = concat(peerHandshakePayloads(spec, !weInitiate), PING);
      assertArrayEquals(
          expectedFirst,
          in.readNBytes(expectedFirst.length),
          "the peer's handshake payloads, then its first transport message");
      out.write(PONG);
      out.write(toPeer);
      s.shutdownOutput();
      byte[] rest = in.readAllBytes();
      assertArrayEquals(fromPeer, rest, "200 KB from the peer, then a clean EOF");

      PeerResult r = c.peerResult();
      assertArrayEquals(r.handshakeHash, session.getHandshakeHash(), "handshake hash");
      assertArrayEquals(toPeer, r.bulk, "200 KB to the peer");
      assertTrue(
          r.transportMessages >= 1 + (BULK + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT,
          "200 KB needs at least 4 transport messages, got " + r.transportMessages);
      assertTrue(r.largestPlaintext <= MAX_PLAINTEXT, "plaintext " + r.largestPlaintext);
      assertEquals(0, r.payloadBytesFromUs, "our handshake payloads must be empty");

      // Who proved which static key to whom.
      if (spec.peerKeyProvenTo(weInitiate)) {
        AgentPrincipal p = session.peer().orElseThrow(() -> new AssertionError("no peer"));
        assertArrayEquals(spec.peerKey().pub, littleEndian(p.publicKey()), "the peer's static key");
      }
      if (spec.letter(weInitiate) != 'N') {
        assertArrayEquals(OURS_PUB, r.remoteStatic, "the peer saw our static key");
      } else {
        assertEquals(null, r.remoteStatic);
      }
    }
  }

  // ------------------------------------------------------------------------------ failures

  @ParameterizedTest(name = "AgentWire initiator={0}")
  @ValueSource(booleans = {true, false})
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void mismatchedPrologueFailsOnBothSides(boolean weInitiate) throws Exception {
    // XX: the initiator fails on message 2 (an encrypted static key), the responder then sees the
    // connection end before message 3; so both sides fail during the handshake whoever we are.
    Spec spec = new Spec("Noise_XX_25519_AESGCM_SHA256", text("our prologue"));
    NoisePeer peer = spec.peer(!weInitiate, text("their prologue"), null);
    AgentSocketConfig config = spec.ours(weInitiate, null, spec.prologue, null);
    try (Connection c = connect(config, weInitiate, sock -> handshakeThenRead(sock, peer))) {
      SSLException e = assertThrows(SSLException.class, () -> c.ours.startHandshake());
      assertPeerFailed(c);
      assertTrue(
          !weInitiate || e.getMessage().contains("authentication"),
          "the initiator sees a failed authentication: " + e);
      assertThrows(IOException.class, () -> c.ours.getInputStream().read());
    }
  }

  @ParameterizedTest(name = "AgentWire initiator={0}")
  @ValueSource(booleans = {true, false})
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void mismatchedPskFailsOnBothSides(boolean weInitiate) throws Exception {
    // NNpsk0: the PSK keys message 1 already, so the responder fails on it and the initiator sees
    // the connection end before message 2.
    Spec spec = new Spec("Noise_NNpsk0_25519_ChaChaPoly_SHA256", text("psk0"));
    NoisePeer peer = spec.peer(!weInitiate, spec.prologue, random(32));
    AgentSocketConfig config = spec.ours(weInitiate, null, spec.prologue, PSK);
    try (Connection c = connect(config, weInitiate, sock -> handshakeThenRead(sock, peer))) {
      assertThrows(SSLException.class, () -> c.ours.startHandshake());
      assertPeerFailed(c);
    }
  }

  /**
   * XXpsk3 and IKpsk2 mix the PSK into the last handshake message, so only its reader can notice a
   * wrong PSK; the writer finishes the handshake, and since raw mode has no close record it learns
   * of the failure only as the connection ending. Whoever detects it must fail; the other side must
   * never deliver data.
   */
  @ParameterizedTest(name = "{0}, AgentWire initiator={1}")
  @MethodSource("lastMessagePsk")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void mismatchedPskInTheLastMessage(String protocol, boolean weInitiate) throws Exception {
    Spec spec = new Spec(protocol, new byte[0]);
    NoisePeer peer = spec.peer(!weInitiate, spec.prologue, random(32));
    AgentSocketConfig config = spec.ours(weInitiate, null, spec.prologue, PSK);
    int messages = spec.messageCount();
    // The last message is written by the initiator when the count is odd.
    boolean weReadLast = (messages % 2 == 1) != weInitiate;
    try (Connection c = connect(config, weInitiate, sock -> handshakeThenRead(sock, peer))) {
      if (weReadLast) {
        SSLException e = assertThrows(SSLException.class, () -> c.ours.startHandshake());
        assertTrue(e.getMessage().contains("authentication"), e.toString());
        assertPeerFailed(c);
      } else {
        c.ours.startHandshake(); // we cannot know yet
        assertPeerFailed(c);
        int first;
        try {
          first = c.ours.getInputStream().read();
        } catch (IOException expected) {
          first = -1;
        }
        assertEquals(-1, first, "no data may arrive over a handshake the peer refused");
      }
    }
  }

  static Stream<Arguments> lastMessagePsk() {
    return Stream.of(
        Arguments.of("Noise_XXpsk3_25519_ChaChaPoly_SHA256", true),
        Arguments.of("Noise_XXpsk3_25519_ChaChaPoly_SHA256", false),
        Arguments.of("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", true),
        Arguments.of("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", false));
  }

  /** A pinned key that the peer does not have: refused, before we send anything of ours. */
  @ParameterizedTest(name = "{0}, AgentWire initiator={1}")
  @MethodSource("wrongKeyCases")
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void wrongPeerKeyIsRefused(String protocol, boolean weInitiate) throws Exception {
    Spec spec = new Spec(protocol, new byte[0]);
    NoisePeer peer = spec.peer(!weInitiate, spec.prologue, null);
    AgentSocketConfig config =
        spec.ours(weInitiate, PeerVerifier.onlyKey(STRANGER.publicKey()), spec.prologue, null);
    try (Connection c = connect(config, weInitiate, sock -> handshakeThenRead(sock, peer))) {
      SSLPeerUnverifiedException e =
          assertThrows(SSLPeerUnverifiedException.class, () -> c.ours.startHandshake());
      assertInstanceOf(PeerVerificationException.class, e);
      assertTrue(e.getMessage().contains(STRANGER.fingerprint()), e.getMessage());
      assertPeerFailed(c);
    }
  }

  static Stream<Arguments> wrongKeyCases() {
    // XX initiator refuses on message 2 (before sending its own key in message 3); IK responder
    // refuses on message 1; XX responder refuses on message 3.
    return Stream.of(
        Arguments.of("Noise_XX_25519_ChaChaPoly_BLAKE2s", true),
        Arguments.of("Noise_XX_25519_ChaChaPoly_BLAKE2s", false),
        Arguments.of("Noise_IK_25519_ChaChaPoly_BLAKE2s", false));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void wrongKeyRefusedBeforeOurIdentityIsSent() throws Exception {
    // XX: an initiator that refuses the responder's key must not send message 3 (its own key).
    Spec spec = new Spec("Noise_XX_25519_ChaChaPoly_BLAKE2s", new byte[0]);
    NoisePeer peer = spec.peer(false, spec.prologue, null);
    AgentSocketConfig config =
        spec.ours(true, PeerVerifier.onlyKey(STRANGER.publicKey()), spec.prologue, null);
    try (Connection c = connect(config, true, sock -> handshakeThenRead(sock, peer))) {
      assertThrows(SSLPeerUnverifiedException.class, () -> c.ours.startHandshake());
      Throwable cause = peerFailure(c);
      assertInstanceOf(EOFException.class, cause, "the peer got no message 3: " + cause);
    }
  }

  // ------------------------------------------------------------------------------ one-way

  /** Noise_X from an AgentWire initiator: one message, then data in one direction only. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void oneWayFromAgentWire() throws Exception {
    Spec spec = new Spec("Noise_X_25519_ChaChaPoly_SHA256", text("one way"));
    NoisePeer peer = spec.peer(false, spec.prologue, null);
    AgentSocketConfig config =
        spec.ours(true, null, spec.prologue, null).toBuilder()
            .handshakeTimeout(Duration.ofSeconds(5))
            .build();
    byte[] data = random(BULK);
    try (Connection c = connect(config, true, sock -> receiveOnly(sock, peer))) {
      SSLSocket s = c.ours;
      s.startHandshake();
      s.getOutputStream().write(data);
      s.shutdownOutput();
      PeerResult r = c.peerResult();
      assertArrayEquals(data, r.bulk);
      assertArrayEquals(r.handshakeHash, ((AgentSession) s.getSession()).getHandshakeHash());
      assertArrayEquals(OURS_PUB, r.remoteStatic);
    }
  }

  /** Noise_X to an AgentWire responder, which proves who sent it. */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void oneWayToAgentWire() throws Exception {
    Spec spec = new Spec("Noise_X_25519_AESGCM_BLAKE2s", text("one way"));
    NoisePeer peer = spec.peer(true, spec.prologue, null);
    AgentSocketConfig config = spec.ours(false, null, spec.prologue, null);
    byte[] data = random(BULK);
    try (Connection c = connect(config, false, sock -> sendOnly(sock, peer, data))) {
      SSLSocket s = c.ours;
      s.startHandshake();
      AgentSession session = (AgentSession) s.getSession();
      byte[] got = s.getInputStream().readAllBytes();
      PeerResult r = c.peerResult();
      assertArrayEquals(concat(peerHandshakePayloads(spec, true), data), got);
      assertArrayEquals(r.handshakeHash, session.getHandshakeHash());
      assertArrayEquals(
          spec.peerKey().pub,
          littleEndian(session.peer().orElseThrow().publicKey()),
          "sender's key");
    }
  }

  /**
   * Raw mode accepts 448 protocols, so the peer's static key may be an X448 key: pinning it with
   * {@link PeerVerifier#onlyKey} and naming it by fingerprint must use all 56 bytes of it.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void x448PeerKeysAreComparedWhole() throws Exception {
    NjKey pinned = PEER_KEYS.get("448");
    byte[] otherPub = pinned.pub.clone();
    otherPub[40] ^= 0x01; // another key, equal in its first 32 bytes
    PublicKey other = new NjKey("448", null, otherPub).publicKey();
    assertFalse(Arrays.equals(littleEndian(pinned.publicKey()), littleEndian(other)));
    assertThrows(
        SSLPeerUnverifiedException.class,
        () -> PeerVerifier.onlyKey(pinned.publicKey()).verify(null, other),
        "onlyKey accepted an X448 key that is not the pinned one");
    assertFalse(
        AgentKeys.fingerprint(pinned.publicKey()).equals(AgentKeys.fingerprint(other)),
        "two different X448 keys have the same fingerprint");
  }

  // ------------------------------------------------------------------ checking the checker

  /** MiniNoise, the PSK-capable peer, must agree with noise-java wherever both run. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Noise_NN_25519_ChaChaPoly_SHA256",
        "Noise_XX_25519_AESGCM_SHA256",
        "Noise_IK_25519_ChaChaPoly_BLAKE2s",
        "Noise_NK_25519_AESGCM_SHA512",
        "Noise_XX_448_ChaChaPoly_BLAKE2b",
      })
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void miniNoiseAgreesWithNoiseJava(String protocol) throws Exception {
    Spec spec = new Spec(protocol, text("checker"));
    NjKey ik = NjKey.generate(spec.dh);
    NjKey rk = NjKey.generate(spec.dh);
    for (boolean miniInitiates : new boolean[] {true, false}) {
      NjKey iLocal = spec.letter(true) != 'N' ? ik : null;
      NjKey rLocal = spec.letter(false) != 'N' ? rk : null;
      byte[] iKnows = spec.letter(false) == 'K' ? rk.pub : null;
      byte[] rKnows = spec.letter(true) == 'K' ? ik.pub : null;
      NoisePeer i =
          miniInitiates
              ? new MiniNoise(protocol, true, spec.prologue, privateOf(iLocal), iKnows, null)
              : NoiseJavaPeer.create(
                  protocol, true, spec.prologue, privateOf(iLocal), iKnows, null);
      NoisePeer r =
          miniInitiates
              ? NoiseJavaPeer.create(
                  protocol, false, spec.prologue, privateOf(rLocal), rKnows, null)
              : new MiniNoise(protocol, false, spec.prologue, privateOf(rLocal), rKnows, null);
      NoisePeer writer = i;
      NoisePeer reader = r;
      int n = 0;
      while (!(i.isComplete() && r.isComplete())) {
        byte[] payload = text("payload " + n++);
        assertArrayEquals(payload, reader.read(writer.write(payload)));
        NoisePeer t = writer;
        writer = reader;
        reader = t;
      }
      assertArrayEquals(i.handshakeHash(), r.handshakeHash());
      i.split();
      r.split();
      byte[] m = random(1000);
      assertArrayEquals(m, r.decrypt(i.encrypt(m)));
      assertArrayEquals(m, i.decrypt(r.encrypt(m)));
    }
  }

  // ------------------------------------------------------------------------ peer scripts

  interface PeerScript {
    PeerResult run(Socket socket) throws Exception;
  }

  static final class PeerResult {
    byte[] handshakeHash;
    byte[] remoteStatic;
    byte[] bulk;
    int transportMessages;
    int largestPlaintext;
    int payloadBytesFromUs;
  }

  /** Handshake with payloads, ping, expect pong, read to EOF, send bulk, shut down output. */
  private static PeerResult happyPeer(Socket sock, NoisePeer p, byte[] bulkOut) throws Exception {
    Framed f = new Framed(sock);
    PeerResult r = f.handshake(p);
    f.send(p, PING);
    byte[] pong = p.decrypt(f.receive());
    r.transportMessages++;
    if (!Arrays.equals(PONG, pong)) {
      throw new AssertionError("expected pong, got " + new String(pong, StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream bulk = new ByteArrayOutputStream();
    byte[] frame;
    while ((frame = f.receiveOrEof()) != null) {
      byte[] pt = p.decrypt(frame);
      r.transportMessages++;
      r.largestPlaintext = Math.max(r.largestPlaintext, pt.length);
      bulk.write(pt, 0, pt.length);
    }
    r.bulk = bulk.toByteArray();
    for (int off = 0; off < bulkOut.length; off += MAX_PLAINTEXT) {
      f.send(p, Arrays.copyOfRange(bulkOut, off, Math.min(bulkOut.length, off + MAX_PLAINTEXT)));
    }
    sock.shutdownOutput();
    return r;
  }

  /** Handshake, then wait for one transport message (a failure shows as an exception). */
  private static PeerResult handshakeThenRead(Socket sock, NoisePeer p) throws Exception {
    Framed f = new Framed(sock);
    PeerResult r = f.handshake(p, false);
    p.decrypt(f.receive());
    return r;
  }

  private static PeerResult receiveOnly(Socket sock, NoisePeer p) throws Exception {
    Framed f = new Framed(sock);
    PeerResult r = f.handshake(p);
    ByteArrayOutputStream bulk = new ByteArrayOutputStream();
    byte[] frame;
    while ((frame = f.receiveOrEof()) != null) {
      byte[] pt = p.decrypt(frame);
      r.transportMessages++;
      bulk.write(pt, 0, pt.length);
    }
    r.bulk = bulk.toByteArray();
    return r;
  }

  private static PeerResult sendOnly(Socket sock, NoisePeer p, byte[] data) throws Exception {
    Framed f = new Framed(sock);
    PeerResult r = f.handshake(p);
    for (int off = 0; off < data.length; off += MAX_PLAINTEXT) {
      f.send(p, Arrays.copyOfRange(data, off, Math.min(data.length, off + MAX_PLAINTEXT)));
    }
    sock.shutdownOutput();
    return r;
  }

  /** The payload the peer puts in its {@code n}th handshake message. */
  private static byte[] handshakePayload(int n) {
    return text("handshake payload " + n + " from the other endpoint;");
  }

  /** Everything the peer puts in its handshake messages, in order. */
  private static byte[] peerHandshakePayloads(Spec spec, boolean peerInitiates) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int n = 0; n < spec.messageCount(); n++) {
      if ((n % 2 == 0) == peerInitiates) {
        b.writeBytes(handshakePayload(n));
      }
    }
    return b.toByteArray();
  }

  /** Length-prefixed Noise messages over a plain socket. */
  static final class Framed {
    private final DataInputStream in;
    private final DataOutputStream out;

    Framed(Socket s) throws IOException {
      in = new DataInputStream(s.getInputStream());
      out = new DataOutputStream(s.getOutputStream());
    }

    PeerResult handshake(NoisePeer p) throws Exception {
      return handshake(p, true);
    }

    /** Runs the handshake, with our test payloads in the peer's messages or with none. */
    PeerResult handshake(NoisePeer p, boolean payloads) throws Exception {
      PeerResult r = new PeerResult();
      int n = 0;
      while (!p.isComplete()) {
        if (p.writesNext()) {
          writeFrame(p.write(payloads ? handshakePayload(n) : new byte[0]));
        } else {
          r.payloadBytesFromUs += p.read(receive()).length;
        }
        n++;
      }
      r.handshakeHash = p.handshakeHash();
      r.remoteStatic = p.remoteStatic();
      p.split();
      return r;
    }

    void send(NoisePeer p, byte[] plaintext) throws Exception {
      writeFrame(p.encrypt(plaintext));
    }

    void writeFrame(byte[] m) throws IOException {
      if (m.length > 65535) {
        throw new AssertionError("a Noise message of " + m.length + " bytes");
      }
      out.writeShort(m.length);
      out.write(m);
      out.flush();
    }

    byte[] receive() throws IOException {
      byte[] m = receiveOrEof();
      if (m == null) {
        throw new EOFException("the AgentWire side ended the stream");
      }
      return m;
    }

    byte[] receiveOrEof() throws IOException {
      int hi = in.read();
      if (hi < 0) {
        return null;
      }
      int len = (hi << 8) | in.readUnsignedByte();
      byte[] m = new byte[len];
      in.readFully(m);
      return m;
    }
  }

  // ------------------------------------------------------------------------- connections

  /** Our socket and the peer running its script on the other end of a real TCP connection. */
  static final class Connection implements AutoCloseable {
    final SSLSocket ours;
    final Future<PeerResult> peer;
    private final Closeable[] resources;

    Connection(SSLSocket ours, Future<PeerResult> peer, Closeable... resources) {
      this.ours = ours;
      this.peer = peer;
      this.resources = resources;
    }

    PeerResult peerResult() throws Exception {
      try {
        return peer.get(20, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception) {
          throw (Exception) e.getCause();
        }
        throw new AssertionError("the peer failed", e.getCause());
      }
    }

    @Override
    public void close() throws IOException {
      ours.close();
      peer.cancel(true);
      for (Closeable c : resources) {
        c.close();
      }
    }
  }

  private static Connection connect(AgentSocketConfig config, boolean weInitiate, PeerScript script)
      throws Exception {
    if (weInitiate) {
      ServerSocket ss = new ServerSocket(0, 1, LOOPBACK);
      Future<PeerResult> peer =
          POOL.submit(
              (Callable<PeerResult>)
                  () -> {
                    try (Socket s = ss.accept()) {
                      return script.run(s);
                    }
                  });
      SSLSocket ours =
          (SSLSocket) new AgentSocketFactory(config).createSocket(LOOPBACK, ss.getLocalPort());
      return new Connection(ours, peer, ss);
    }
    ServerSocket ss = new AgentServerSocketFactory(config).createServerSocket(0, 1, LOOPBACK);
    Future<PeerResult> peer =
        POOL.submit(
            (Callable<PeerResult>)
                () -> {
                  try (Socket s = new Socket(LOOPBACK, ss.getLocalPort())) {
                    return script.run(s);
                  }
                });
    SSLSocket ours = (SSLSocket) ss.accept();
    return new Connection(ours, peer, ss);
  }

  private static Throwable peerFailure(Connection c) throws Exception {
    try {
      c.peer.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("the other endpoint completed although it should have failed");
  }

  private static void assertPeerFailed(Connection c) throws Exception {
    Throwable t = peerFailure(c);
    assertTrue(
        t instanceof IOException || t instanceof GeneralSecurityException,
        "the peer failed for an unexpected reason: " + t);
  }

  // ---------------------------------------------------------------------------- protocols

  /** A protocol name and prologue, and what each side needs for it. */
  static final class Spec {
    final String name;
    final byte[] prologue;
    final String base;
    final String dh;
    final boolean oneWay;
    final boolean psk;

    Spec(String name, byte[] prologue) {
      this.name = name;
      this.prologue = prologue;
      String pattern = name.split("_")[1];
      this.base = MiniNoise.basePattern(pattern);
      this.dh = name.split("_")[2];
      this.oneWay = base.length() == 1;
      this.psk = pattern.contains("psk");
    }

    /** The static-key letter of the initiator (N, K, X, I) or the responder. */
    char letter(boolean initiator) {
      if (initiator) {
        return base.charAt(0);
      }
      return oneWay ? 'K' : base.charAt(1);
    }

    int messageCount() {
      return oneWay ? 1 : MiniNoise.PATTERNS.get(base).length;
    }

    /**
     * Whether a handshake message proves the peer's static key to us (revision 34 section 7.7),
     * from the provider's token table (socket-factory's PatternFactsTest checks it by hand).
     */
    boolean peerKeyProvenTo(boolean weInitiate) {
      try {
        NoiseRole role = weInitiate ? NoiseRole.INITIATOR : NoiseRole.RESPONDER;
        NoiseProtocol p = NoiseProtocol.parse(name);
        return p.peerHasStaticKey(role) && p.peerProof(role).byHandshakeMessage();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    NjKey peerKey() {
      return PEER_KEYS.get(dh);
    }

    AgentSocketConfig ours(boolean weInitiate, PeerVerifier verifier, byte[] prologue, byte[] psk)
        throws Exception {
      AgentSocketConfig.Builder b = AgentSocketConfig.builder().raw(name, prologue);
      char mine = letter(weInitiate);
      char theirs = letter(!weInitiate);
      if (mine != 'N') {
        b.identity(OURS);
      }
      if (theirs == 'K') {
        b.peerKey(peerKey().publicKey());
      }
      if (this.psk) {
        b.psk(psk);
      }
      if (verifier == null) {
        verifier =
            theirs != 'N' ? PeerVerifier.onlyKey(peerKey().publicKey()) : PeerVerifier.anyPeer();
      }
      b.peerVerifier(verifier);
      b.anonymousPeers(!peerKeyProvenTo(weInitiate));
      return b.build();
    }

    /** The other endpoint: noise-java, or MiniNoise for revision 34 PSK modifiers. */
    NoisePeer peer(boolean initiator, byte[] prologue, byte[] pskValue) throws Exception {
      NjKey local = letter(initiator) != 'N' ? peerKey() : null;
      byte[] remote = letter(!initiator) == 'K' ? OURS_PUB : null;
      if (psk) {
        return new MiniNoise(name, initiator, prologue, privateOf(local), remote, pskValue);
      }
      return NoiseJavaPeer.create(name, initiator, prologue, privateOf(local), remote, null);
    }
  }

  /** A static key pair made by noise-java, and the JDK public key for it. */
  static final class NjKey {
    final String dh;
    final byte[] priv;
    final byte[] pub;

    NjKey(String dh, byte[] priv, byte[] pub) {
      this.dh = dh;
      this.priv = priv;
      this.pub = pub;
    }

    static NjKey generate(String dh) {
      NoiseJavaKeys.Pair p = NoiseJavaKeys.generate(dh);
      return new NjKey(dh, p.privateKey(), p.publicKey());
    }

    PublicKey publicKey() throws Exception {
      if (dh.equals("25519")) {
        return AgentKeys.parsePublicKey(Base64.getEncoder().encodeToString(pub));
      }
      return XecKeys.publicKey(pub);
    }
  }

  /** The raw private key of {@code key}, or null. */
  private static byte[] privateOf(NjKey key) {
    return key == null ? null : key.priv;
  }
}
