package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.x3dh.PrekeyBundle;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.whispersystems.libsignal.DuplicateMessageException;
import org.whispersystems.libsignal.IdentityKey;
import org.whispersystems.libsignal.IdentityKeyPair;
import org.whispersystems.libsignal.SessionBuilder;
import org.whispersystems.libsignal.SessionCipher;
import org.whispersystems.libsignal.SignalProtocolAddress;
import org.whispersystems.libsignal.ecc.Curve;
import org.whispersystems.libsignal.ecc.DjbECPrivateKey;
import org.whispersystems.libsignal.ecc.DjbECPublicKey;
import org.whispersystems.libsignal.ecc.ECKeyPair;
import org.whispersystems.libsignal.ecc.ECPublicKey;
import org.whispersystems.libsignal.protocol.CiphertextMessage;
import org.whispersystems.libsignal.protocol.PreKeySignalMessage;
import org.whispersystems.libsignal.protocol.SignalMessage;
import org.whispersystems.libsignal.state.PreKeyBundle;
import org.whispersystems.libsignal.state.PreKeyRecord;
import org.whispersystems.libsignal.state.SignedPreKeyRecord;
import org.whispersystems.libsignal.state.impl.InMemorySignalProtocolStore;
import org.whispersystems.libsignal.util.KeyHelper;

/**
 * The {@code SignalV3} profiles of {@link X3dh} and {@link DoubleRatchet} against Signal's own
 * implementation, libsignal-protocol-java 2.8.1 (GPLv3, a test-scope oracle only): sessions in both
 * directions, with and without a one-time prekey, several initial messages before the first reply,
 * DH ratchet turns, out-of-order and late delivery, tampering and replay, and randomized
 * conversations.
 *
 * <p>The conversation scenarios run over the two mixed pairings (AgentWire as initiator with
 * libsignal as responder, and the reverse) and, as controls that show a scenario asks nothing
 * libsignal itself does not do, over AgentWire and libsignal each talking to itself.
 */
class SignalV3OracleTest {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b656e032100");
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b656e04220420");
  private static final int ALICE = 0;
  private static final int BOB = 1;

  // ---- the implementations under one interface ----------------------------------------------

  /** A message on the wire: its bytes, whether it is a PreKeySignalMessage, and what it carries. */
  record Wire(int from, int index, byte[] bytes, boolean prekey, byte[] plaintext) {
    @Override
    public String toString() {
      return (from == ALICE ? "a" : "b") + index + (prekey ? "(prekey)" : "");
    }
  }

  /** What a responder publishes, in neutral raw form: 32-byte keys and the XEdDSA signature. */
  record Published(
      byte[] identity,
      int signedPrekeyId,
      byte[] signedPrekey,
      byte[] signature,
      Integer oneTimePrekeyId,
      byte[] oneTimePrekey) {}

  /** One party of a conversation. */
  interface Endpoint {
    boolean agentWire();

    /** Encrypts; the result says whether it is a PreKeySignalMessage. */
    Wire send(int from, int index, byte[] plaintext) throws Exception;

    /** Decrypts a message from the peer. */
    byte[] receive(Wire wire) throws Exception;

    /** The 32-byte identity public key. */
    byte[] identity();
  }

  interface Responder extends Endpoint {
    Published publish() throws Exception;
  }

  interface Initiator extends Endpoint {
    /** Starts the session from {@code bundle}, expecting {@code responderIdentity}. */
    void start(Published bundle, byte[] responderIdentity) throws Exception;
  }

  /**
   * AgentWire as initiator: {@link X3dh#initiate}, then {@link X3dh.Initiated}. Its identity key
   * pair was made by libsignal (curve25519-java) and comes in through PKCS#8 and X.509, as a key
   * moved from a libsignal installation would.
   */
  static final class AgentWireInitiator implements Initiator {
    final X3dh x3dh = x3dh();
    final KeyPair identity = keyPair(KeyHelper.generateIdentityKeyPair());
    X3dh.Initiated initiated;

    /** The session restored from a serialized one, which replaces {@link #initiated}. */
    RatchetSession restored;

    @Override
    public void start(Published b, byte[] responderIdentity) throws Exception {
      PrekeyBundle bundle =
          PrekeyBundle.of(
              publicKey(b.identity()),
              b.signedPrekeyId(),
              publicKey(b.signedPrekey()),
              b.signature(),
              b.oneTimePrekeyId(),
              b.oneTimePrekey() == null ? null : publicKey(b.oneTimePrekey()));
      // Through the documented encoding too, as a bundle from a directory would come.
      bundle = PrekeyBundle.decode(bundle.encode());
      initiated = x3dh.initiate(identity, bundle, publicKey(responderIdentity), ratchet());
      assertArrayEquals(responderIdentity, raw(initiated.responderIdentity()));
    }

    @Override
    public boolean agentWire() {
      return true;
    }

    @Override
    public Wire send(int from, int index, byte[] plaintext) throws Exception {
      if (restored != null) {
        return new Wire(from, index, restored.encrypt(plaintext), false, plaintext);
      }
      boolean prekey = !initiated.session().hasReceived();
      byte[] bytes = initiated.encrypt(plaintext);
      if (prekey) {
        X3dh.InitialMessage m = x3dh.parseInitialMessage(bytes);
        assertArrayEquals(raw(identity.getPublic()), raw(m.identityKey()));
      }
      return new Wire(from, index, bytes, prekey, plaintext);
    }

    @Override
    public byte[] receive(Wire wire) throws Exception {
      assertFalse(wire.prekey(), "a responder sends no PreKeySignalMessage");
      return restored != null ? restored.decrypt(wire.bytes()) : initiated.decrypt(wire.bytes());
    }

    /**
     * Serializes and restores the session. Only once a reply has arrived: an {@link X3dh.Initiated}
     * has no serialized form, and a restored bare session could not wrap its messages in the X3DH
     * header any more.
     */
    void serializeAndRestore() throws GeneralSecurityException {
      RatchetSession current = restored != null ? restored : initiated.session();
      if (current.hasReceived()) {
        restored = ratchet().restore(current.serialize());
        current.destroy();
      }
    }

    @Override
    public byte[] identity() {
      return raw(identity.getPublic());
    }
  }

  /**
   * AgentWire as responder: {@link X3dh.Responder#accept} for the first initial message; the ones
   * after it (the initiator wraps every message until it hears back) go by their base key to the
   * session that message started, as {@link X3dh#parseInitialMessage} lets a caller do.
   */
  static final class AgentWireResponder implements Responder {
    final X3dh x3dh = x3dh();
    final KeyPair identity = generate();
    final X3dh.Responder responder;
    final boolean oneTime;
    byte[] expectedInitiator;
    byte[] baseKey;
    RatchetSession session;

    AgentWireResponder(boolean oneTime) {
      this.oneTime = oneTime;
      try {
        responder = x3dh.newResponder(identity);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
      if (oneTime) {
        responder.addOneTimePrekeys(3);
      }
    }

    @Override
    public Published publish() throws Exception {
      PrekeyBundle b = PrekeyBundle.decode(responder.bundle().encode());
      assertEquals(oneTime, b.oneTimePrekey() != null);
      return new Published(
          raw(b.identityKey()),
          b.signedPrekeyId(),
          raw(b.signedPrekey()),
          b.signature(),
          oneTime ? b.oneTimePrekeyId().getAsInt() : null,
          oneTime ? raw(b.oneTimePrekey()) : null);
    }

    @Override
    public boolean agentWire() {
      return true;
    }

    @Override
    public Wire send(int from, int index, byte[] plaintext) throws Exception {
      return new Wire(from, index, session.encrypt(plaintext), false, plaintext);
    }

    @Override
    public byte[] receive(Wire wire) throws Exception {
      if (!wire.prekey()) {
        return session.decrypt(wire.bytes());
      }
      X3dh.InitialMessage m = x3dh.parseInitialMessage(wire.bytes());
      if (session == null) {
        X3dh.Accepted accepted = responder.accept(wire.bytes(), ratchet());
        assertEquals(oneTime, m.oneTimePrekeyId().isPresent());
        session = accepted.session();
        baseKey = canonical(raw(m.ephemeralKey()));
        expectedInitiator = raw(accepted.initiatorIdentity());
        return accepted.plaintext();
      }
      // What an application does with the later ones: the same base key (bit 255, which X25519
      // ignores, cleared) from the same identity goes to the session; another base key would
      // start another session, which no scenario here does.
      if (!Arrays.equals(baseKey, canonical(raw(m.ephemeralKey())))) {
        responder.accept(wire.bytes(), ratchet());
        fail("a second session was accepted from " + wire);
      }
      if (!Arrays.equals(expectedInitiator, raw(m.identityKey()))) {
        throw new X3dhException(
            X3dhException.Reason.WRONG_IDENTITY, "another identity for the same base key");
      }
      return session.decrypt(m.ratchetMessage());
    }

    @Override
    public byte[] identity() {
      return raw(identity.getPublic());
    }

    void serializeAndRestore() throws GeneralSecurityException {
      if (session != null) {
        RatchetSession restored = ratchet().restore(session.serialize());
        session.destroy();
        session = restored;
      }
    }
  }

  /** libsignal on either side: an in-memory store and a SessionCipher for the peer's address. */
  static class Libsignal implements Endpoint {
    final IdentityKeyPair identity = KeyHelper.generateIdentityKeyPair();
    final InMemorySignalProtocolStore store =
        new InMemorySignalProtocolStore(identity, KeyHelper.generateRegistrationId(false));
    final SignalProtocolAddress peer;
    final SessionCipher cipher;

    Libsignal(String peerName) {
      peer = new SignalProtocolAddress(peerName, 1);
      cipher = new SessionCipher(store, peer);
    }

    @Override
    public boolean agentWire() {
      return false;
    }

    @Override
    public Wire send(int from, int index, byte[] plaintext) throws Exception {
      CiphertextMessage m = cipher.encrypt(plaintext);
      boolean prekey = m.getType() == CiphertextMessage.PREKEY_TYPE;
      assertTrue(prekey || m.getType() == CiphertextMessage.WHISPER_TYPE);
      return new Wire(from, index, m.serialize(), prekey, plaintext);
    }

    @Override
    public byte[] receive(Wire wire) throws Exception {
      return wire.prekey()
          ? cipher.decrypt(new PreKeySignalMessage(wire.bytes()))
          : cipher.decrypt(new SignalMessage(wire.bytes()));
    }

    @Override
    public byte[] identity() {
      return ((DjbECPublicKey) identity.getPublicKey().getPublicKey()).getPublicKey();
    }
  }

  static final class LibsignalInitiator extends Libsignal implements Initiator {
    LibsignalInitiator() {
      super("bob");
    }

    @Override
    public void start(Published b, byte[] responderIdentity) throws Exception {
      assertArrayEquals(responderIdentity, b.identity());
      PreKeyBundle bundle =
          new PreKeyBundle(
              4242,
              1,
              b.oneTimePrekeyId() == null ? -1 : b.oneTimePrekeyId(),
              b.oneTimePrekey() == null ? null : djb(b.oneTimePrekey()),
              b.signedPrekeyId(),
              djb(b.signedPrekey()),
              b.signature(),
              new IdentityKey(djb(b.identity())));
      // Verifies the signed prekey's XEdDSA signature.
      new SessionBuilder(store, peer).process(bundle);
    }
  }

  static final class LibsignalResponder extends Libsignal implements Responder {
    final boolean oneTime;

    LibsignalResponder(boolean oneTime) {
      super("alice");
      this.oneTime = oneTime;
    }

    @Override
    public Published publish() throws Exception {
      ECKeyPair signed = Curve.generateKeyPair();
      byte[] signature =
          Curve.calculateSignature(identity.getPrivateKey(), signed.getPublicKey().serialize());
      store.storeSignedPreKey(
          7, new SignedPreKeyRecord(7, System.currentTimeMillis(), signed, signature));
      ECKeyPair one = null;
      if (oneTime) {
        one = Curve.generateKeyPair();
        store.storePreKey(31337, new PreKeyRecord(31337, one));
      }
      return new Published(
          identity(),
          7,
          rawOf(signed.getPublicKey()),
          signature,
          oneTime ? 31337 : null,
          oneTime ? rawOf(one.getPublicKey()) : null);
    }
  }

  enum Pairing {
    AGENTWIRE_ALICE_LIBSIGNAL_BOB,
    LIBSIGNAL_ALICE_AGENTWIRE_BOB,
    AGENTWIRE_BOTH,
    LIBSIGNAL_BOTH;

    Initiator alice() {
      return this == AGENTWIRE_ALICE_LIBSIGNAL_BOB || this == AGENTWIRE_BOTH
          ? new AgentWireInitiator()
          : new LibsignalInitiator();
    }

    Responder bob(boolean oneTime) {
      return this == LIBSIGNAL_ALICE_AGENTWIRE_BOB || this == AGENTWIRE_BOTH
          ? new AgentWireResponder(oneTime)
          : new LibsignalResponder(oneTime);
    }
  }

  /** Two parties, every message sent, and which of them were delivered. */
  static final class Conversation {
    final Endpoint[] ends = new Endpoint[2];
    final List<List<Wire>> sent = List.of(new ArrayList<>(), new ArrayList<>());
    final List<Set<Integer>> delivered = List.of(new HashSet<>(), new HashSet<>());

    Conversation(Pairing pairing, boolean oneTime) throws Exception {
      Initiator alice = pairing.alice();
      Responder bob = pairing.bob(oneTime);
      alice.start(bob.publish(), bob.identity());
      ends[ALICE] = alice;
      ends[BOB] = bob;
    }

    /** {@code from} sends {@code count} messages; returns their indices. */
    int[] send(int from, int count, Random random) throws Exception {
      int[] indices = new int[count];
      for (int i = 0; i < count; i++) {
        int index = sent.get(from).size();
        byte[] plaintext = plaintext(from, index, random);
        Wire w = ends[from].send(from, index, plaintext);
        sent.get(from).add(w);
        indices[i] = index;
      }
      return indices;
    }

    int[] send(int from, int count) throws Exception {
      return send(from, count, null);
    }

    Wire wire(int from, int index) {
      return sent.get(from).get(index);
    }

    /** Delivers {@code from}'s messages with these indices, in this order, to the other party. */
    void deliver(int from, int... indices) throws Exception {
      for (int index : indices) {
        Wire w = wire(from, index);
        assertTrue(delivered.get(from).add(index), w + " was delivered before");
        byte[] got;
        try {
          got = ends[1 - from].receive(w);
        } catch (Exception e) {
          throw new AssertionError(
              "delivering " + w + " to " + name(1 - from) + " failed: " + e, e);
        }
        assertArrayEquals(w.plaintext(), got, w.toString());
      }
    }

    /** Delivers an already delivered message again: the receiver must refuse it. */
    void replay(int from, int index) {
      Wire w = wire(from, index);
      assertTrue(delivered.get(from).contains(index));
      Exception e = assertThrows(Exception.class, () -> ends[1 - from].receive(w), w.toString());
      if (ends[1 - from].agentWire()) {
        assertTrue(e instanceof GeneralSecurityException, "AgentWire refused " + w + " with " + e);
      }
    }

    void assertAllDeliveredOnce() {
      for (int from : new int[] {ALICE, BOB}) {
        assertEquals(sent.get(from).size(), delivered.get(from).size(), name(from) + "'s messages");
        for (int i = 0; i < sent.get(from).size(); i++) {
          replay(from, i);
        }
      }
    }

    String name(int party) {
      return (party == ALICE ? "Alice" : "Bob")
          + " ("
          + (ends[party].agentWire() ? "AgentWire" : "libsignal")
          + ")";
    }
  }

  static byte[] plaintext(int from, int index, Random random) {
    byte[] text = ((from == ALICE ? "alice " : "bob ") + index).getBytes(StandardCharsets.UTF_8);
    if (random == null) {
      return text;
    }
    // Lengths around AES block boundaries, including the empty message, and now and then one long
    // enough for multi-byte protobuf lengths.
    byte[] p = new byte[random.nextInt(8) == 0 ? random.nextInt(3000) : random.nextInt(50)];
    random.nextBytes(p);
    return p;
  }

  static List<Arguments> pairingsAndOneTime() {
    List<Arguments> out = new ArrayList<>();
    for (Pairing p : Pairing.values()) {
      out.add(Arguments.of(p, true));
      out.add(Arguments.of(p, false));
    }
    return out;
  }

  // ---- 1, 2: sessions both ways, a conversation with turns, disorder and late messages -------

  @ParameterizedTest(name = "{0}, one-time prekey {1}")
  @MethodSource("pairingsAndOneTime")
  void conversation(Pairing pairing, boolean oneTime) throws Exception {
    Conversation c = new Conversation(pairing, oneTime);
    // The first message, a PreKeySignalMessage, in order.
    c.send(ALICE, 1);
    assertTrue(c.wire(ALICE, 0).prekey());
    c.deliver(ALICE, 0);

    // Bob's first turn: b0..b3, delivered 2, 0; b1 and b3 (the last of the chain) held back.
    c.send(BOB, 4);
    c.deliver(BOB, 2, 0);
    // Alice now answers with SignalMessages: a1..a3, delivered 2, 1; a3 (the last) held back.
    c.send(ALICE, 3);
    assertFalse(c.wire(ALICE, 1).prekey());
    c.deliver(ALICE, 2, 1);
    // Bob's second turn on a new ratchet key; Alice gets its second message first, then Bob's
    // earlier chain's held messages (the last of that chain included), then the rest.
    c.send(BOB, 3); // b4..b6
    c.deliver(BOB, 5, 3, 1, 6, 4);
    // Alice's next turn, then her previous chain's last message arrives late.
    c.send(ALICE, 2); // a4, a5
    c.deliver(ALICE, 5, 3, 4);

    // Single-message turns: a DH ratchet step every message.
    for (int i = 0; i < 4; i++) {
      c.deliver(BOB, c.send(BOB, 1));
      c.deliver(ALICE, c.send(ALICE, 1));
    }

    // A message held across two turns of each side.
    int[] heldA = c.send(ALICE, 2); // a10, a11
    c.deliver(ALICE, heldA[1]);
    c.deliver(BOB, c.send(BOB, 2));
    c.deliver(ALICE, c.send(ALICE, 1));
    int[] heldB = c.send(BOB, 2);
    c.deliver(BOB, heldB[0]);
    c.deliver(ALICE, c.send(ALICE, 2));
    c.deliver(BOB, c.send(BOB, 1));
    c.deliver(ALICE, heldA[0]);
    c.deliver(BOB, heldB[1]);

    // Both send at once, each before hearing the other: the messages cross.
    int[] a1 = c.send(ALICE, 3);
    int[] b1 = c.send(BOB, 3);
    c.deliver(ALICE, a1[2], a1[0]);
    c.deliver(BOB, b1[1]);
    c.deliver(ALICE, a1[1]);
    c.deliver(BOB, b1[2], b1[0]);
    c.deliver(ALICE, c.send(ALICE, 1));
    c.deliver(BOB, c.send(BOB, 1));

    c.assertAllDeliveredOnce();
  }

  /** Chains long enough for multi-byte counters and PN, delivered backwards and shuffled. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Pairing.class)
  void longChains(Pairing pairing) throws Exception {
    Conversation c = new Conversation(pairing, true);
    Random random = new Random(1);
    c.deliver(ALICE, c.send(ALICE, 1));
    int[] fromBob = c.send(BOB, 140);
    c.deliver(BOB, fromBob[0]);
    int[] fromAlice = c.send(ALICE, 130);
    for (int i = fromAlice.length - 1; i >= 0; i--) {
      c.deliver(ALICE, fromAlice[i]);
    }
    int[] more = c.send(BOB, 20);
    List<Integer> rest = new ArrayList<>();
    for (int i = 1; i < fromBob.length; i++) {
      rest.add(fromBob[i]);
    }
    for (int i : more) {
      rest.add(i);
    }
    Collections.shuffle(rest, random);
    for (int i : rest) {
      c.deliver(BOB, i);
    }
    c.deliver(ALICE, c.send(ALICE, 1));
    c.deliver(BOB, c.send(BOB, 1));
    c.assertAllDeliveredOnce();
  }

  // ---- 3: several initial messages before the first reply ------------------------------------

  @ParameterizedTest(name = "{0}, one-time prekey {1}")
  @MethodSource("pairingsAndOneTime")
  void severalInitialMessagesBeforeTheFirstReply(Pairing pairing, boolean oneTime)
      throws Exception {
    Conversation c = new Conversation(pairing, oneTime);
    c.send(ALICE, 4);
    for (int i = 0; i < 4; i++) {
      assertTrue(c.wire(ALICE, i).prekey(), "every message before a reply is an initial message");
    }
    // The responder starts from whichever comes first, here the third.
    c.deliver(ALICE, 2, 0);
    c.send(BOB, 2);
    c.deliver(BOB, 1);
    // The initiator has heard back: its messages are SignalMessages now.
    c.send(ALICE, 2);
    assertFalse(c.wire(ALICE, 4).prekey());
    c.deliver(ALICE, 5);
    // Initial messages of the first chain, after the responder has ratcheted past it.
    c.deliver(ALICE, 3, 1, 4);
    c.deliver(BOB, 0);
    c.deliver(BOB, c.send(BOB, 1));
    c.deliver(ALICE, c.send(ALICE, 1));
    c.assertAllDeliveredOnce();
  }

  @ParameterizedTest(name = "{0}, one-time prekey {1}")
  @MethodSource("pairingsAndOneTime")
  void initialMessagesKeepComingUntilAReplyArrives(Pairing pairing, boolean oneTime)
      throws Exception {
    Conversation c = new Conversation(pairing, oneTime);
    c.deliver(ALICE, c.send(ALICE, 1));
    // Bob answers, but the answer is slow: Alice keeps sending initial messages.
    c.send(BOB, 1);
    c.send(ALICE, 2);
    assertTrue(c.wire(ALICE, 1).prekey() && c.wire(ALICE, 2).prekey());
    c.deliver(ALICE, 2, 1);
    c.deliver(BOB, 0);
    c.deliver(ALICE, c.send(ALICE, 1));
    assertFalse(c.wire(ALICE, 3).prekey());
    c.assertAllDeliveredOnce();
  }

  // ---- 4: tampering and replay from libsignal -------------------------------------------------

  /** Every single-bit change of a libsignal SignalMessage is refused, and the session goes on. */
  @Test
  void everyFlippedBitOfALibsignalSignalMessageIsRefused() throws Exception {
    for (Pairing pairing :
        new Pairing[] {
          Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB, Pairing.LIBSIGNAL_ALICE_AGENTWIRE_BOB
        }) {
      Conversation c = new Conversation(pairing, true);
      int libsignal = pairing == Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB ? BOB : ALICE;
      int agentWire = 1 - libsignal;
      c.deliver(ALICE, c.send(ALICE, 1));
      c.deliver(BOB, c.send(BOB, 1));
      c.deliver(agentWire, c.send(agentWire, 1));
      // libsignal has just heard from AgentWire: the first of these two starts a new chain (a DH
      // ratchet step for the receiver), the second is on a chain the receiver already has.
      int[] two = c.send(libsignal, 2);
      for (int index : two) {
        Wire w = c.wire(libsignal, index);
        assertFalse(w.prekey());
        for (int bit = 0; bit < 8 * w.bytes().length; bit++) {
          byte[] changed = w.bytes().clone();
          changed[bit / 8] ^= (byte) (1 << (bit % 8));
          Wire forged = new Wire(w.from(), w.index(), changed, false, w.plaintext());
          int b = bit;
          Exception e =
              assertThrows(
                  GeneralSecurityException.class,
                  () -> c.ends[agentWire].receive(forged),
                  "bit " + b);
          assertTrue(
              e instanceof AEADBadTagException || e instanceof RatchetException,
              "bit " + b + ": " + e);
        }
        c.deliver(libsignal, index);
      }
      c.deliver(agentWire, c.send(agentWire, 1));
      c.deliver(libsignal, c.send(libsignal, 1));
      c.assertAllDeliveredOnce();
    }
  }

  /**
   * A libsignal PreKeySignalMessage whose keys or embedded SignalMessage were changed is refused by
   * the AgentWire responder without using up its one-time prekey; the original is then accepted.
   * (Bit 255 of the base key is the exception, as it is for libsignal: see {@link
   * #bit255OfTheBaseKeyIsIgnoredByBoth}.)
   */
  @Test
  void changedLibsignalInitialMessagesAreRefused() throws Exception {
    Conversation c = new Conversation(Pairing.LIBSIGNAL_ALICE_AGENTWIRE_BOB, true);
    c.send(ALICE, 1);
    byte[] bytes = c.wire(ALICE, 0).bytes();
    PreKeySignalMessage parsed = new PreKeySignalMessage(bytes);
    int baseKeyEnd = indexOf(bytes, parsed.getBaseKey().serialize()) + 33;
    List<int[]> changes = new ArrayList<>();
    for (byte[] part :
        new byte[][] {
          parsed.getBaseKey().serialize(),
          parsed.getIdentityKey().serialize(),
          parsed.getWhisperMessage().serialize()
        }) {
      int at = indexOf(bytes, part);
      // Every byte, in one bit that moves along and in bit 7 (a varint's continuation bit):
      // each change costs a whole X3DH, and every bit of every byte would take seconds.
      for (int i = at; i < at + part.length; i++) {
        for (int bit : i % 8 == 7 ? new int[] {7} : new int[] {i % 8, 7}) {
          if (i != baseKeyEnd - 1 || bit != 7) {
            changes.add(new int[] {i, bit});
          }
        }
      }
    }
    AgentWireResponder bob = (AgentWireResponder) c.ends[BOB];
    for (int[] change : changes) {
      byte[] changed = bytes.clone();
      changed[change[0]] ^= (byte) (1 << change[1]);
      String where = "byte " + change[0] + " bit " + change[1];
      Exception e =
          assertThrows(
              GeneralSecurityException.class,
              () -> bob.responder.accept(changed, ratchet()),
              where);
      // X3DH refuses what it parses (keys, framing), the ratchet the SignalMessage it carries.
      assertTrue(
          e instanceof AEADBadTagException
              || e instanceof RatchetException
              || e instanceof X3dhException,
          where + ": " + e);
    }
    assertNull(bob.session);
    c.deliver(ALICE, 0);
    // Now the one-time prekey is used up: the same initial message cannot start a second session.
    X3dhException reused =
        assertThrows(X3dhException.class, () -> bob.responder.accept(bytes, ratchet()));
    assertEquals(X3dhException.Reason.PREKEY_REUSED, reused.reason());
    c.deliver(BOB, c.send(BOB, 1));
    c.deliver(ALICE, c.send(ALICE, 1));
    c.assertAllDeliveredOnce();
  }

  /**
   * X25519 ignores bit 255 of a public key (RFC 7748 section 5), and in Signal's version 3 nothing
   * authenticates the base key's bytes beyond the key agreement: libsignal takes an initial message
   * whose base key has that bit flipped as the same message. AgentWire refuses the second encoding
   * (MALFORMED) so every initial message has one, and the genuine message still works after it.
   */
  @Test
  void bit255OfTheBaseKeyIsIgnoredByLibsignalAndRefusedByAgentWire() throws Exception {
    Conversation c = new Conversation(Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB, true);
    c.send(ALICE, 1);
    Wire w = c.wire(ALICE, 0);
    assertArrayEquals(w.plaintext(), c.ends[BOB].receive(withBit255Flipped(w)));
    c.deliver(BOB, c.send(BOB, 1));

    Conversation d = new Conversation(Pairing.LIBSIGNAL_ALICE_AGENTWIRE_BOB, true);
    d.send(ALICE, 2);
    Wire first = d.wire(ALICE, 0);
    X3dhException e =
        assertThrows(X3dhException.class, () -> d.ends[BOB].receive(withBit255Flipped(first)));
    assertEquals(X3dhException.Reason.MALFORMED, e.reason());
    d.deliver(ALICE, 0);
    Wire later = d.wire(ALICE, 1);
    e = assertThrows(X3dhException.class, () -> d.ends[BOB].receive(withBit255Flipped(later)));
    assertEquals(X3dhException.Reason.MALFORMED, e.reason());
    d.deliver(ALICE, 1);
    d.deliver(BOB, d.send(BOB, 1));
  }

  private static Wire withBit255Flipped(Wire w) throws Exception {
    byte[] changed = w.bytes().clone();
    changed[indexOf(changed, new PreKeySignalMessage(changed).getBaseKey().serialize()) + 32] ^=
        (byte) 0x80;
    return new Wire(w.from(), w.index(), changed, true, w.plaintext());
  }

  /**
   * Random damage to libsignal's messages (bytes changed, cut off, inserted) is refused by
   * AgentWire with a GeneralSecurityException, never another exception, and the session goes on.
   * The one exception is what Signal leaves unauthenticated in a PreKeySignalMessage (the low half
   * of the version byte, the registration id, framing around the same fields, and for an initial
   * message after the first, the prekey ids): such a message, if its keys and embedded
   * SignalMessage are intact, is the same message, and it is accepted once.
   */
  @Property(tries = 30)
  void damagedLibsignalMessagesAreRefused(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    Pairing pairing =
        random.nextBoolean()
            ? Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB
            : Pairing.LIBSIGNAL_ALICE_AGENTWIRE_BOB;
    Conversation c = new Conversation(pairing, random.nextBoolean());
    int libsignal = pairing == Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB ? BOB : ALICE;
    int agentWire = 1 - libsignal;
    if (libsignal == BOB) {
      c.deliver(ALICE, c.send(ALICE, 1));
    }
    for (int round = 0; round < 3; round++) {
      int[] sent = c.send(libsignal, 1 + random.nextInt(3), random);
      for (int index : sent) {
        Wire w = c.wire(libsignal, index);
        for (int k = 0; k < 20; k++) {
          byte[] damaged = damage(w.bytes(), random);
          if (Arrays.equals(damaged, w.bytes())) {
            continue;
          }
          Wire forged = new Wire(w.from(), w.index(), damaged, w.prekey(), w.plaintext());
          byte[] got;
          try {
            got = c.ends[agentWire].receive(forged);
          } catch (GeneralSecurityException expected) {
            continue;
          }
          String what = "damaged " + w + " accepted: " + HexFormat.of().formatHex(damaged);
          assertTrue(w.prekey(), what);
          assertArrayEquals(w.plaintext(), got, what);
          X3dh.InitialMessage original = x3dh().parseInitialMessage(w.bytes());
          X3dh.InitialMessage accepted = x3dh().parseInitialMessage(damaged);
          assertArrayEquals(original.ratchetMessage(), accepted.ratchetMessage(), what);
          assertArrayEquals(raw(original.identityKey()), raw(accepted.identityKey()), what);
          assertArrayEquals(
              canonical(raw(original.ephemeralKey())),
              canonical(raw(accepted.ephemeralKey())),
              what);
          c.delivered.get(libsignal).add(index);
          break;
        }
      }
      for (int index : sent) {
        if (!c.delivered.get(libsignal).contains(index)) {
          c.deliver(libsignal, index);
        }
      }
      c.deliver(agentWire, c.send(agentWire, 1));
    }
  }

  private static byte[] damage(byte[] m, Random random) {
    byte[] out = m.clone();
    switch (random.nextInt(4)) {
      case 0 -> {
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      case 2 -> {
        int at = random.nextInt(out.length + 1);
        byte[] in = new byte[1 + random.nextInt(4)];
        random.nextBytes(in);
        out = concat(concat(Arrays.copyOf(m, at), in), Arrays.copyOfRange(m, at, m.length));
      }
      default -> {
        // A length or counter byte made a long varint: the continuation bit set.
        out[1 + random.nextInt(out.length - 1)] |= (byte) 0x80;
      }
    }
    return out;
  }

  /** A replayed libsignal message is refused by AgentWire, on a current chain and an old one. */
  @Test
  void replayedLibsignalMessagesAreRefused() throws Exception {
    Conversation c = new Conversation(Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB, true);
    c.deliver(ALICE, c.send(ALICE, 1));
    c.send(BOB, 3);
    c.deliver(BOB, 0, 2);
    RatchetException replayed =
        assertThrows(RatchetException.class, () -> c.ends[ALICE].receive(c.wire(BOB, 2)));
    assertEquals(RatchetException.Reason.REPLAYED, replayed.reason());
    c.deliver(BOB, 1);
    replayed = assertThrows(RatchetException.class, () -> c.ends[ALICE].receive(c.wire(BOB, 1)));
    assertEquals(RatchetException.Reason.REPLAYED, replayed.reason());
    // After DH ratchet steps the old chain's messages are still refused.
    c.deliver(ALICE, c.send(ALICE, 1));
    c.deliver(BOB, c.send(BOB, 1));
    for (int i = 0; i < 3; i++) {
      Wire old = c.wire(BOB, i);
      assertThrows(GeneralSecurityException.class, () -> c.ends[ALICE].receive(old));
    }
    // And the session still works both ways.
    c.deliver(ALICE, c.send(ALICE, 2));
    c.deliver(BOB, c.send(BOB, 1));
    c.assertAllDeliveredOnce();

    // libsignal, for its part, refuses what AgentWire replays.
    assertThrows(
        DuplicateMessageException.class,
        () -> c.ends[BOB].receive(c.wire(ALICE, c.sent.get(ALICE).size() - 1)));
  }

  /** libsignal's Bob records AgentWire's identity key and deletes the one-time prekey it used. */
  @Test
  void libsignalBobSeesAgentWireIdentityAndConsumesItsPrekey() throws Exception {
    Conversation c = new Conversation(Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB, true);
    c.deliver(ALICE, c.send(ALICE, 1));
    LibsignalResponder bob = (LibsignalResponder) c.ends[BOB];
    IdentityKey seen = bob.store.getIdentity(new SignalProtocolAddress("alice", 1));
    assertNotNull(seen);
    assertArrayEquals(c.ends[ALICE].identity(), rawOf(seen.getPublicKey()));
    assertFalse(bob.store.containsPreKey(31337));
  }

  // ---- 5: randomized conversations ------------------------------------------------------------

  @Property(tries = 12)
  void randomConversationsAgentWireAliceLibsignalBob(@ForAll long seed) throws Exception {
    randomConversation(Pairing.AGENTWIRE_ALICE_LIBSIGNAL_BOB, seed);
  }

  @Property(tries = 12)
  void randomConversationsLibsignalAliceAgentWireBob(@ForAll long seed) throws Exception {
    randomConversation(Pairing.LIBSIGNAL_ALICE_AGENTWIRE_BOB, seed);
  }

  /** The same model between two libsignal parties: it asks nothing libsignal does not do. */
  @Property(tries = 3)
  void randomConversationsControl(@ForAll long seed) throws Exception {
    randomConversation(Pairing.LIBSIGNAL_BOTH, seed);
    randomConversation(Pairing.AGENTWIRE_BOTH, seed);
  }

  /**
   * Turns of 1 to 6 messages, each turn delivered in a random order with some messages held back
   * and delivered up to two of the sender's turns later (libsignal keeps five receiving chains), a
   * few replays along the way, and at the end every message delivered exactly once.
   */
  private static void randomConversation(Pairing pairing, long seed) throws Exception {
    Random random = new Random(seed);
    Conversation c = new Conversation(pairing, random.nextBoolean());
    // Held messages of each sender with the turn by which they must be delivered.
    List<List<int[]>> held = List.of(new ArrayList<>(), new ArrayList<>());
    int turns = 6 + random.nextInt(10);
    for (int turn = 0; turn < turns; turn++) {
      int from = turn % 2;
      int[] sent = c.send(from, 1 + random.nextInt(6), random);
      List<Integer> now = new ArrayList<>();
      for (int index : sent) {
        if (random.nextInt(3) == 0) {
          held.get(from).add(new int[] {index, turn + 2 * (1 + random.nextInt(2))});
        } else {
          now.add(index);
        }
      }
      if (now.isEmpty()) {
        // The peer hears something every turn (in the first turn it must, to have a session).
        now.add(held.get(from).remove(held.get(from).size() - 1)[0]);
      }
      // Held messages whose time has come, mixed into this turn's delivery.
      for (int party : new int[] {ALICE, BOB}) {
        List<Integer> due = new ArrayList<>();
        for (var it = held.get(party).iterator(); it.hasNext(); ) {
          int[] h = it.next();
          if (h[1] <= turn || random.nextInt(4) == 0) {
            due.add(h[0]);
            it.remove();
          }
        }
        if (party == from) {
          now.addAll(due);
        } else {
          Collections.shuffle(due, random);
          for (int index : due) {
            c.deliver(party, index);
          }
        }
      }
      Collections.shuffle(now, random);
      for (int index : now) {
        c.deliver(from, index);
      }
      // AgentWire sessions are stored and restored now and then, skipped keys and all.
      for (Endpoint e : c.ends) {
        if (random.nextInt(4) == 0) {
          if (e instanceof AgentWireInitiator i) {
            i.serializeAndRestore();
          } else if (e instanceof AgentWireResponder r) {
            r.serializeAndRestore();
          }
        }
      }
      if (random.nextInt(3) == 0 && !c.delivered.get(from).isEmpty()) {
        List<Integer> done = new ArrayList<>(c.delivered.get(from));
        c.replay(from, done.get(random.nextInt(done.size())));
      }
    }
    for (int party : new int[] {ALICE, BOB}) {
      List<Integer> rest = new ArrayList<>();
      held.get(party).forEach(h -> rest.add(h[0]));
      Collections.shuffle(rest, random);
      for (int index : rest) {
        c.deliver(party, index);
      }
    }
    c.assertAllDeliveredOnce();
  }

  // ---- keys between the two libraries ---------------------------------------------------------

  static X3dh x3dh() {
    try {
      return X3dh.getInstance(X3dh.SIGNAL_V3_PROFILE, PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static DoubleRatchet ratchet() throws GeneralSecurityException {
    return DoubleRatchet.getInstance(DoubleRatchet.SIGNAL_V3_PROFILE, PROVIDER);
  }

  static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A raw 32-byte X25519 public key as an AgentWire key, through its X.509 encoding. */
  static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("X25519", PROVIDER)
        .generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, raw)));
  }

  static KeyPair keyPair(IdentityKeyPair pair) {
    byte[] priv = ((DjbECPrivateKey) pair.getPrivateKey()).getPrivateKey();
    try {
      return new KeyPair(
          publicKey(rawOf(pair.getPublicKey().getPublicKey())),
          KeyFactory.getInstance("X25519", PROVIDER)
              .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, priv))));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] raw(PublicKey key) {
    byte[] spki = key.getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  static byte[] rawOf(ECPublicKey key) {
    return ((DjbECPublicKey) key).getPublicKey();
  }

  static ECPublicKey djb(byte[] raw) {
    byte[] encoded = new byte[33];
    encoded[0] = (byte) Curve.DJB_TYPE;
    System.arraycopy(raw, 0, encoded, 1, 32);
    try {
      return Curve.decodePoint(encoded, 0);
    } catch (org.whispersystems.libsignal.InvalidKeyException e) {
      throw new AssertionError(e);
    }
  }

  /** A raw X25519 public key with bit 255, which X25519 ignores, cleared. */
  static byte[] canonical(byte[] raw) {
    byte[] out = raw.clone();
    out[31] &= 0x7f;
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return fail("not found");
  }
}
