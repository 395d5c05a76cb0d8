package io.agentwire.socketfactory.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.internal.TransportKeys;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.RekeyPolicy;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The frequently rekeying socket's security properties ({@code docs/PROTOCOL.md}, section 4.4),
 * checked by an attacker on two {@link ConnectionCore}s in memory. The attacker records every frame
 * of both directions and, at a time t, copies one side's whole key state: both traffic keys and
 * their nonces, taken from the provider's live cipher states. With only the JDK's own ciphers
 * (SunJCE) and the Noise rules it then tries to read the traffic:
 *
 * <ul>
 *   <li>(a) records sent right after t: it must succeed, which proves the copy is a real one and
 *       that the checks below can fail;
 *   <li>(b) every record sent after the next DH step: it must fail (break-in recovery);
 *   <li>(c) every record sent before t: it must fail (forward secrecy), except the exposure the
 *       policy documents: with {@link RekeyPolicy#FREQUENT}, the records since the sender's last
 *       REKEY, fewer than 16.
 * </ul>
 *
 * Control cases run the same attacker against policies without the property and show it succeeds
 * there, so the checks measure the policy and not the test.
 */
class KeyCompromiseSocketTest {

  private static final AgentIdentity SERVER_ID = AgentIdentity.generate();
  private static final AgentIdentity CLIENT_ID = AgentIdentity.generate();
  private static final String CHACHA = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
  private static final String AESGCM = "Noise_XX_25519_AESGCM_SHA256";

  // ------------------------------------------------------------------------------ the tests

  @ParameterizedTest(name = "{0}: {1}''s keys stolen, {2} starts the DH step")
  @CsvSource({
    CHACHA + ", client, client",
    CHACHA + ", client, server",
    CHACHA + ", server, client",
    CHACHA + ", server, server",
    AESGCM + ", client, client",
    AESGCM + ", server, server",
  })
  void aStolenStateReadsUntilTheNextDhStepAndOnlyTheCurrentEpochBeforeIt(
      String suite, String stolen, String initiator) throws Exception {
    Link link = new Link(suite, RekeyPolicy.FREQUENT, RekeyPolicy.FREQUENT);
    Random random = new Random(suite.hashCode() * 31 + stolen.hashCode() * 7 + initiator.length());
    link.exchange(random, 40, 40);
    boolean victimIsClient = stolen.equals("client");
    Theft theft = link.steal(victimIsClient);

    // After t: the initiator sends past the policy's 1024 records, the other side a little.
    boolean clientStarts = initiator.equals("client");
    link.watchForNextStep();
    link.exchange(random, clientStarts ? 1030 : 60, clientStarts ? 60 : 1030);
    link.exchange(random, 30, 30);
    int stepDone = link.stepDoneAt;
    assertTrue(stepDone > theft.frameCount(), "both sides completed a DH step after t");
    assertTrue(link.frames.size() - stepDone >= 60, "records sent after the step");

    for (boolean fromClient : new boolean[] {true, false}) {
      String dir = fromClient ? "client->server" : "server->client";
      Eavesdropper eve = theft.eavesdropper(fromClient);
      for (Frame f : link.framesFrom(fromClient, theft.frameCount(), link.frames.size())) {
        byte[] plain = eve.read(f.body());
        if (f.index() >= stepDone) {
          // (b) break-in recovery: nothing sent after the step opens.
          assertNull(plain, dir + ": read a record sent after the DH step, frame " + f.index());
        } else if (!eve.lost) {
          assertNotNull(plain, dir + ": the stolen keys failed before any key switch");
        }
      }
      // (a) the copy is real: the stolen keys read every record up to the sender's key switch,
      // and the first data record after t is what was sent.
      assertTrue(eve.lostBySwitch, dir + ": the attacker never saw the DH step's key switch");
      assertTrue(eve.dataRead() >= 1, dir + ": no data record read right after t");
      assertArrayEquals(
          link.sentAfter(fromClient, theft.frameCount()).get(0),
          eve.firstData(),
          dir + ": the attacker's reading of the first record after t");
      // (c) forward secrecy: of the records before t, only those since the sender's last REKEY
      // open with the keys of t, and they are at most FREQUENT.messages() - 1.
      List<Frame> before = link.framesFrom(fromClient, link.transportStart, theft.frameCount());
      assertTrue(before.size() >= 40, dir);
      int exposed = exposedSuffix(theft, fromClient, before, dir);
      assertTrue(exposed < RekeyPolicy.FREQUENT.messages(), dir + ": " + exposed + " exposed");
      assertEquals(
          40 % RekeyPolicy.FREQUENT.messages(), exposed, dir + ": records since the REKEY");
    }
  }

  /**
   * Tries the keys of t on every record before t and checks that the readable ones are the most
   * recent, with nothing readable before an unreadable one: the exposure is the epoch since the
   * sender's last REKEY, never older records. Returns how many are readable.
   */
  private static int exposedSuffix(Theft theft, boolean fromClient, List<Frame> before, String dir)
      throws GeneralSecurityException {
    int exposed = 0;
    for (Frame f : before) {
      byte[] plain = theft.tryEveryEarlierNonce(fromClient, f.body());
      if (plain != null) {
        assertEquals(WireFormat.DATA, plain[0], dir + ": only data since the last REKEY");
        exposed++;
      } else {
        assertEquals(0, exposed, dir + ": an older record was readable, frame " + f.index());
      }
    }
    return exposed;
  }

  @Test
  void aPeerThatDoesNotRatchetIsHealedByTheOtherSidesStepsButKeepsItsOwnPastExposed()
      throws Exception {
    // The server never rekeys; the client ratchets. The attacker steals the server's keys.
    Link link = new Link(CHACHA, RekeyPolicy.FREQUENT, RekeyPolicy.NEVER);
    Random random = new Random(5);
    link.exchange(random, 40, 40);
    Theft theft = link.steal(false);
    link.watchForNextStep();
    link.exchange(random, 1030, 60);
    link.exchange(random, 30, 30);
    assertTrue(link.server.dhStepsCompleted() >= 1, "the non-ratcheting side answered a step");
    int stepDone = link.stepDoneAt;
    assertTrue(stepDone > theft.frameCount());

    for (boolean fromClient : new boolean[] {true, false}) {
      Eavesdropper eve = theft.eavesdropper(fromClient);
      for (Frame f : link.framesFrom(fromClient, theft.frameCount, stepDone)) {
        eve.read(f.body);
      }
      assertTrue(eve.dataRead() >= 1, "(a) the copy reads records right after t");
      assertTrue(eve.lost, "the DH step's key switch");
      for (Frame f : link.framesFrom(fromClient, stepDone, link.frames.size())) {
        assertNull(eve.read(f.body), "(b) a record after the client's DH step");
      }
    }
    // (c) The ratcheting client's records before t are safe in the server's state too, but for
    // those since its last REKEY...
    List<Frame> fromRatchet = link.framesFrom(true, link.transportStart, theft.frameCount);
    assertEquals(40 % 16, exposedSuffix(theft, true, fromRatchet, "client->server"));
    // ... but the server, which never rekeys, exposes what it sent before t: the guarantee is the
    // sender's, as documented.
    int exposed = 0;
    for (Frame f : link.framesFrom(false, link.transportStart, theft.frameCount)) {
      if (theft.tryEveryEarlierNonce(false, f.body) != null) {
        exposed++;
      }
    }
    assertTrue(exposed >= 40, "a sender that never rekeys keeps its old records readable");
  }

  /**
   * With a REKEY after every record, sent right after it, the keys in memory have encrypted nothing
   * yet: no record before t is exposed in either direction.
   */
  @Test
  void aRekeyAfterEveryRecordLeavesNothingBeforeTExposed() throws Exception {
    RekeyPolicy everyRecord = RekeyPolicy.of(1, Long.MAX_VALUE, null).withDhEveryMessages(1024);
    Link link = new Link(AESGCM, everyRecord, everyRecord);
    link.exchange(new Random(13), 40, 40);
    Theft theft = link.steal(true);
    for (boolean fromClient : new boolean[] {true, false}) {
      List<Frame> before = link.framesFrom(fromClient, link.transportStart, theft.frameCount());
      assertEquals(80, before.size(), "40 data records and 40 REKEYs");
      assertEquals(0, exposedSuffix(theft, fromClient, before, "every record"));
    }
  }

  /** Control for (b): symmetric rekeys alone do not heal; the attacker follows them forever. */
  @Test
  void withoutDhStepsTheStolenKeysReadEverythingAfterT() throws Exception {
    RekeyPolicy rekeyOnly = RekeyPolicy.of(1, Long.MAX_VALUE, null);
    Link link = new Link(CHACHA, rekeyOnly, rekeyOnly);
    Random random = new Random(7);
    link.exchange(random, 20, 20);
    Theft theft = link.steal(true);
    link.exchange(random, 1100, 200);
    assertEquals(0, link.client.dhStepsCompleted());
    for (boolean fromClient : new boolean[] {true, false}) {
      Eavesdropper eve = theft.eavesdropper(fromClient);
      List<Frame> after = link.framesFrom(fromClient, theft.frameCount, link.frames.size());
      for (Frame f : after) {
        assertNotNull(eve.read(f.body), "the attacker follows REKEYs without a DH step");
      }
      assertEquals(link.sentAfter(fromClient, theft.frameCount).size(), eve.dataRead());
    }
  }

  /** Control for (c): without rekeys, the keys of t read the whole epoch before t. */
  @Test
  void withoutRekeysTheStolenKeysReadRecordsBeforeT() throws Exception {
    Link link = new Link(CHACHA, RekeyPolicy.NEVER, RekeyPolicy.NEVER);
    Random random = new Random(9);
    link.exchange(random, 20, 20);
    Theft theft = link.steal(true);
    for (boolean fromClient : new boolean[] {true, false}) {
      List<Frame> before = link.framesFrom(fromClient, link.transportStart, theft.frameCount);
      assertEquals(20, before.size());
      for (Frame f : before) {
        assertNotNull(theft.tryEveryEarlierNonce(fromClient, f.body));
      }
    }
  }

  /** A DH step alone (no symmetric rekeys) also protects the records before it. */
  @Test
  void aDhStepAloneProtectsTheRecordsBeforeIt() throws Exception {
    RekeyPolicy dhOnly = RekeyPolicy.NEVER.withDhEveryMessages(50);
    Link link = new Link(AESGCM, dhOnly, RekeyPolicy.NEVER);
    Random random = new Random(11);
    link.exchange(random, 50, 50);
    link.watchForNextStep();
    link.exchange(random, 1, 0); // KEY_SHARE before the client's 51st record
    int stepDone = link.stepDoneAt;
    assertEquals(link.frames.size(), stepDone, "the step completed at once");
    link.exchange(random, 10, 10); // the same epoch: exposed, as documented
    Theft theft = link.steal(true);
    for (boolean fromClient : new boolean[] {true, false}) {
      for (Frame f : link.framesFrom(fromClient, link.transportStart, stepDone)) {
        assertNull(theft.tryEveryEarlierNonce(fromClient, f.body), "a record before the step");
      }
      assertEquals(10, countReadable(theft, fromClient, link, stepDone, theft.frameCount));
    }
  }

  private static int countReadable(Theft theft, boolean fromClient, Link link, int from, int to)
      throws GeneralSecurityException {
    int n = 0;
    for (Frame f : link.framesFrom(fromClient, from, to)) {
      byte[] plain = theft.tryEveryEarlierNonce(fromClient, f.body);
      if (plain != null && plain[0] == WireFormat.DATA) {
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------- two sessions in memory

  record Frame(boolean fromClient, byte[] body, int index) {}

  /** A client and a server session joined in memory, with a recording of every frame. */
  static final class Link {
    final ConnectionCore client;
    final ConnectionCore server;
    private final CorePair pair;
    final List<Frame> frames = new ArrayList<>();
    final List<byte[]> clientSent = new ArrayList<>();
    final List<byte[]> serverSent = new ArrayList<>();
    final List<Integer> clientSentAt = new ArrayList<>();
    final List<Integer> serverSentAt = new ArrayList<>();
    final ByteArrayOutputStream clientReceived = new ByteArrayOutputStream();
    final ByteArrayOutputStream serverReceived = new ByteArrayOutputStream();
    final int transportStart;
    int stepDoneAt = -1; // frames recorded when both sides had completed a step after the watch
    private long clientStepsAtWatch = Long.MAX_VALUE;
    private long serverStepsAtWatch = Long.MAX_VALUE;

    Link(String suite, RekeyPolicy clientPolicy, RekeyPolicy serverPolicy) throws IOException {
      AgentSocketConfig cc =
          AgentSocketConfig.builder()
              .identity(CLIENT_ID)
              .peerVerifier(PeerVerifier.anyPeer())
              .cipherSuites(suite)
              .rekeyPolicy(clientPolicy)
              .build();
      AgentSocketConfig sc =
          AgentSocketConfig.builder()
              .identity(SERVER_ID)
              .peerVerifier(PeerVerifier.anyPeer())
              .cipherSuites(suite)
              .rekeyPolicy(serverPolicy)
              .build();
      CorePair pair = new CorePair(cc, sc, this::record);
      client = pair.client;
      server = pair.server;
      this.pair = pair;
      pair.handshake();
      frames.clear();
      transportStart = 0;
    }

    /** From now on, notes in {@link #stepDoneAt} when both sides have completed a new DH step. */
    void watchForNextStep() {
      clientStepsAtWatch = client.dhStepsCompleted();
      serverStepsAtWatch = server.dhStepsCompleted();
      stepDoneAt = -1;
    }

    /** Interleaves data records from both sides, delivering and answering everything. */
    void exchange(Random random, int fromClient, int fromServer) throws IOException {
      for (int i = 0; i < Math.max(fromClient, fromServer); i++) {
        if (i < fromClient) {
          send(true, random);
        }
        if (i < fromServer) {
          send(false, random);
        }
      }
      assertArrayEquals(concat(serverSent), clientReceived.toByteArray(), "server->client");
      assertArrayEquals(concat(clientSent), serverReceived.toByteArray(), "client->server");
    }

    private void send(boolean fromClient, Random random) throws IOException {
      byte[] data = new byte[1 + random.nextInt(200)];
      random.nextBytes(data);
      ConnectionCore w = fromClient ? client : server;
      (fromClient ? clientSentAt : serverSentAt).add(frames.size());
      (fromClient ? clientSent : serverSent).add(data);
      assertEquals(data.length, w.wrap(data, 0, data.length));
      settle();
    }

    /** Delivers in both directions until nobody owes anybody a record. */
    void settle() throws IOException {
      for (int i = 0; i < 10; i++) {
        client.wrapControls();
        serverReceived.write(pair.deliver(true));
        server.wrapControls();
        clientReceived.write(pair.deliver(false));
        if (client.outboundLength() == 0
            && server.outboundLength() == 0
            && !client.hasControls()
            && !server.hasControls()) {
          if (stepDoneAt < 0
              && client.dhStepsCompleted() > clientStepsAtWatch
              && server.dhStepsCompleted() > serverStepsAtWatch) {
            stepDoneAt = frames.size();
          }
          return;
        }
      }
      throw new AssertionError("the two sessions keep sending control records");
    }

    /**
     * Records the body of each frame of a delivery, cut as a wire observer cuts them: by the
     * header's length alone (handshake frames are recorded too, and dropped after the handshake).
     */
    private void record(boolean fromClient, byte[] bytes) {
      int header = Framing.AGENTWIRE.headerBytes();
      for (int pos = 0; pos < bytes.length; ) {
        int length = ((bytes[pos + header - 2] & 0xff) << 8) | (bytes[pos + header - 1] & 0xff);
        frames.add(
            new Frame(
                fromClient,
                Arrays.copyOfRange(bytes, pos + header, pos + header + length),
                frames.size()));
        pos += header + length;
      }
    }

    List<Frame> framesFrom(boolean fromClient, int from, int to) {
      List<Frame> r = new ArrayList<>();
      for (Frame f : frames.subList(from, to)) {
        if (f.fromClient == fromClient) {
          r.add(f);
        }
      }
      return r;
    }

    /** What one side's application sent from frame index {@code from} on. */
    List<byte[]> sentAfter(boolean fromClient, int from) {
      List<byte[]> sent = fromClient ? clientSent : serverSent;
      List<Integer> at = fromClient ? clientSentAt : serverSentAt;
      List<byte[]> r = new ArrayList<>();
      for (int i = 0; i < sent.size(); i++) {
        if (at.get(i) >= from) {
          r.add(sent.get(i));
        }
      }
      return r;
    }

    /** Copies one side's whole key state now, when no DH step is half done. */
    Theft steal(boolean fromClient) {
      ConnectionCore victim = fromClient ? client : server;
      assertFalse(victim.awaitsPeerControl() || victim.hasControls(), "a DH step in flight");
      CipherCopy sending = CipherCopy.of(victim, true);
      CipherCopy receiving = CipherCopy.of(victim, false);
      return new Theft(fromClient, sending, receiving, frames.size());
    }

    private static byte[] concat(List<byte[]> parts) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      parts.forEach(p -> b.write(p, 0, p.length));
      return b.toByteArray();
    }
  }

  // -------------------------------------------------------------------------- the attacker

  /**
   * One direction's raw cipher state (key, next nonce, cipher), copied out of the live transport
   * with the provider's test helper {@link TransportKeys}: what an attacker who reads the process's
   * memory gets. Only tests do this; production code has no way to export a key.
   */
  record CipherCopy(byte[] key, long nonce, Primitive cipher) {
    static CipherCopy of(ConnectionCore w, boolean sending) {
      TransportKeys.Copy c = TransportKeys.copy(w.transport(), sending);
      return new CipherCopy(c.key(), c.nonce(), c.cipher());
    }
  }

  /** The victim's two directions at the time t of the theft, and the frame count then. */
  record Theft(boolean victimIsClient, CipherCopy sending, CipherCopy receiving, int frameCount) {

    /** The victim's key for frames sent by the client ({@code true}) or the server. */
    CipherCopy keyFor(boolean fromClient) {
      return fromClient == victimIsClient ? sending : receiving;
    }

    Eavesdropper eavesdropper(boolean fromClient) {
      CipherCopy c = keyFor(fromClient);
      return new Eavesdropper(c.cipher, c.key.clone(), c.nonce);
    }

    /**
     * Tries the stolen key on a record sent before t at every nonce it could have used, and at a
     * margin beyond: forward secrecy holds only if none opens it.
     */
    byte[] tryEveryEarlierNonce(boolean fromClient, byte[] body) throws GeneralSecurityException {
      CipherCopy c = keyFor(fromClient);
      for (long n = 0; n <= c.nonce + 8; n++) {
        byte[] plain = open(c.cipher, c.key, n, body);
        if (plain != null) {
          return plain;
        }
      }
      return null;
    }
  }

  /**
   * A passive attacker following one direction from t with the stolen key: it decrypts with the
   * next nonce, applies REKEY itself as Noise section 11.3 says, and reads the record types. At the
   * record after which the sender ratchets (its KEY_SWITCH, or its KEY_SHARE_REPLY when it answers
   * a step) the new key needs the DH output, which it cannot compute: from then on it can only try
   * the keys it has at every plausible nonce.
   */
  static final class Eavesdropper {
    private final Primitive cipher;
    private byte[] key;
    private long nonce;
    boolean lost;
    boolean lostBySwitch;
    private int lostAtIndex = -1;
    private int seen;
    private int dataRead;
    private byte[] firstData;

    Eavesdropper(Primitive cipher, byte[] key, long nonce) {
      this.cipher = cipher;
      this.key = key;
      this.nonce = nonce;
    }

    /** The record's plaintext (type, length, content) if this attacker can read it, else null. */
    byte[] read(byte[] body) throws GeneralSecurityException {
      seen++;
      if (!lost) {
        byte[] plain = open(cipher, key, nonce, body);
        if (plain == null) {
          lost = true; // the sender switched keys in a way this attacker did not see
          lostAtIndex = seen;
          return guess(body);
        }
        nonce++;
        switch (plain[0]) {
          case WireFormat.REKEY -> key = rekey(cipher, key);
          case WireFormat.KEY_SWITCH, WireFormat.KEY_SHARE_REPLY -> {
            lost = true;
            lostBySwitch = true;
            lostAtIndex = seen + 1;
          }
          case WireFormat.DATA -> {
            dataRead++;
            if (firstData == null) {
              int length = ((plain[1] & 0xff) << 8) | (plain[2] & 0xff);
              firstData =
                  Arrays.copyOfRange(
                      plain, WireFormat.RECORD_HEADER, WireFormat.RECORD_HEADER + length);
            }
          }
          default -> {}
        }
        return plain;
      }
      return guess(body);
    }

    /** The old key, and its next REKEY, at nonces from 0 and around the old counter. */
    private byte[] guess(byte[] body) throws GeneralSecurityException {
      byte[] k = key;
      for (int successor = 0; successor < 2; successor++) {
        for (long n = 0; n < 32; n++) {
          byte[] plain = open(cipher, k, n, body);
          if (plain == null) {
            plain = open(cipher, k, nonce + seen - lostAtIndex + n - 16, body);
          }
          if (plain != null) {
            return plain;
          }
        }
        k = rekey(cipher, k);
      }
      return null;
    }

    int dataRead() {
      return dataRead;
    }

    byte[] firstData() {
      return firstData;
    }
  }

  /**
   * Noise's DECRYPT(k, n, empty ad, ciphertext) with the JDK's own AEADs; null if not authentic.
   */
  static byte[] open(Primitive cipher, byte[] key, long n, byte[] body)
      throws GeneralSecurityException {
    if (n < 0) {
      return null;
    }
    try {
      return init(cipher, Cipher.DECRYPT_MODE, key, n).doFinal(body);
    } catch (AEADBadTagException e) {
      return null;
    }
  }

  /** Noise's REKEY(k): the first 32 bytes of ENCRYPT(k, 2^64-1, empty, 32 zero bytes). */
  static byte[] rekey(Primitive cipher, byte[] key) throws GeneralSecurityException {
    return Arrays.copyOf(init(cipher, Cipher.ENCRYPT_MODE, key, -1L).doFinal(new byte[32]), 32);
  }

  // Decryption reuses a Cipher per thread. SunJCE's ChaCha20 refuses to be initialised twice in a
  // row with one key and nonce, so that case, and encryption, take a fresh instance.
  private static final ThreadLocal<Cipher> CHACHA_OPEN = ThreadLocal.withInitial(() -> null);
  private static final ThreadLocal<Cipher> GCM_OPEN = ThreadLocal.withInitial(() -> null);

  private static Cipher init(Primitive cipher, int mode, byte[] key, long n)
      throws GeneralSecurityException {
    byte[] nonce = new byte[12]; // 32 zero bits, then the counter
    boolean chacha = cipher == Primitive.CHACHA20_POLY1305;
    ThreadLocal<Cipher> cache = chacha ? CHACHA_OPEN : GCM_OPEN;
    if (chacha) {
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (n >>> (8 * i)); // little-endian, Noise section 12.3
      }
    } else {
      for (int i = 0; i < 8; i++) {
        nonce[11 - i] = (byte) (n >>> (8 * i)); // big-endian, Noise section 12.4
      }
    }
    SecretKeySpec k = new SecretKeySpec(key, chacha ? "ChaCha20" : "AES");
    AlgorithmParameterSpec params =
        chacha ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce);
    Cipher c = mode == Cipher.DECRYPT_MODE ? cache.get() : null;
    if (c != null) {
      try {
        c.init(mode, k, params);
        return c;
      } catch (InvalidKeyException sameKeyAndNonce) {
        // a fresh instance below
      }
    }
    c = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding", "SunJCE");
    c.init(mode, k, params);
    if (mode == Cipher.DECRYPT_MODE) {
      cache.set(c);
    }
    return c;
  }
}
