package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.conformance.NoiseJavaOracleProperties.Bytes;
import io.agentwire.conformance.NoiseJavaOracleProperties.TransportMessage;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.KeyAgreement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of our own engine for every protocol name it supports: the 38 base patterns (one-way,
 * fundamental and deferred), alone or with one or several psk modifiers, on both curves, both
 * ciphers and the four hashes.
 *
 * <p>The patterns are restated here from the specification (sections 7.4, 7.5 and 18), not taken
 * from the engine, so that the test knows on its own which message is encrypted, who holds which
 * static key, and which message consumes which psk.
 */
class NoiseEngineProperties {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final HexFormat HEX = HexFormat.of();

  /** Section 7.4, 7.5 and 18 of Noise revision 34: pre-messages, then "|", then messages. */
  static final Map<String, String> SPEC = new LinkedHashMap<>();

  static {
    SPEC.put("N", "<- s | -> e, es");
    SPEC.put("K", "-> s; <- s | -> e, es, ss");
    SPEC.put("X", "<- s | -> e, es, s, ss");
    SPEC.put("NN", "| -> e; <- e, ee");
    SPEC.put("NK", "<- s | -> e, es; <- e, ee");
    SPEC.put("NX", "| -> e; <- e, ee, s, es");
    SPEC.put("XN", "| -> e; <- e, ee; -> s, se");
    SPEC.put("XK", "<- s | -> e, es; <- e, ee; -> s, se");
    SPEC.put("XX", "| -> e; <- e, ee, s, es; -> s, se");
    SPEC.put("KN", "-> s | -> e; <- e, ee, se");
    SPEC.put("KK", "-> s; <- s | -> e, es, ss; <- e, ee, se");
    SPEC.put("KX", "-> s | -> e; <- e, ee, se, s, es");
    SPEC.put("IN", "| -> e, s; <- e, ee, se");
    SPEC.put("IK", "<- s | -> e, es, s, ss; <- e, ee, se");
    SPEC.put("IX", "| -> e, s; <- e, ee, se, s, es");
    SPEC.put("NK1", "<- s | -> e; <- e, ee, es");
    SPEC.put("NX1", "| -> e; <- e, ee, s; -> es");
    SPEC.put("X1N", "| -> e; <- e, ee; -> s; <- se");
    SPEC.put("X1K", "<- s | -> e, es; <- e, ee; -> s; <- se");
    SPEC.put("XK1", "<- s | -> e; <- e, ee, es; -> s, se");
    SPEC.put("X1K1", "<- s | -> e; <- e, ee, es; -> s; <- se");
    SPEC.put("X1X", "| -> e; <- e, ee, s, es; -> s; <- se");
    SPEC.put("XX1", "| -> e; <- e, ee, s; -> es, s, se");
    SPEC.put("X1X1", "| -> e; <- e, ee, s; -> es, s; <- se");
    SPEC.put("K1N", "-> s | -> e; <- e, ee; -> se");
    SPEC.put("K1K", "-> s; <- s | -> e, es; <- e, ee; -> se");
    SPEC.put("KK1", "-> s; <- s | -> e; <- e, ee, se, es");
    SPEC.put("K1K1", "-> s; <- s | -> e; <- e, ee, es; -> se");
    SPEC.put("K1X", "-> s | -> e; <- e, ee, s, es; -> se");
    SPEC.put("KX1", "-> s | -> e; <- e, ee, se, s; -> es");
    SPEC.put("K1X1", "-> s | -> e; <- e, ee, s; -> se, es");
    SPEC.put("I1N", "| -> e, s; <- e, ee; -> se");
    SPEC.put("I1K", "<- s | -> e, es, s; <- e, ee; -> se");
    SPEC.put("IK1", "<- s | -> e, s; <- e, ee, se, es");
    SPEC.put("I1K1", "<- s | -> e, s; <- e, ee, es; -> se");
    SPEC.put("I1X", "| -> e, s; <- e, ee, s, es; -> se");
    SPEC.put("IX1", "| -> e, s; <- e, ee, se, s; -> es");
    SPEC.put("I1X1", "| -> e, s; <- e, ee, s; -> se, es");
  }

  // ---------------------------------------------------------------------------------------------
  // (a) Round trip

  @Property(tries = 2000)
  void everyHandshakeRoundTrips(
      @ForAll("protocols") Model model,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transport,
      @ForAll("options") Options options)
      throws Exception {
    Session s = new Session(model, keys, prologue.bytes, prologue.bytes, options);
    for (int i = 0; i < model.messages.size(); i++) {
      s.handshakeMessage(i, handshakePayloads.get(i).bytes);
    }
    s.finish();
    for (TransportMessage m : transport) {
      s.transportMessage(m.fromInitiator, m.payload.bytes);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // (b) A different prologue

  @Property(tries = 1000)
  void aDifferentPrologueFailsAtTheFirstEncryptedMessage(
      @ForAll("protocols") Model model,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll("prologues") Bytes otherPrologue,
      @ForAll boolean initiatorHasTheOther,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transport)
      throws Exception {
    byte[] a = prologue.bytes;
    byte[] b = otherPrologue.bytes;
    if (Arrays.equals(a, b)) {
      b = Arrays.copyOf(a, a.length + 1);
    }
    Session s =
        initiatorHasTheOther
            ? new Session(model, keys, b, a, Options.DEFAULT)
            : new Session(model, keys, a, b, Options.DEFAULT);
    // Everything before the first encrypted message is unauthenticated and goes through; the
    // first encrypted message, at the latest the first transport message, must not.
    s.expectFailureAt(model.firstEncryptedMessage(), handshakePayloads, transport);
  }

  // ---------------------------------------------------------------------------------------------
  // (c) A wrong pre-shared static key, or a wrong psk

  @Property(tries = 1000)
  void aWrongPreSharedStaticKeyOrPskFails(
      @ForAll("protocolsWithASecret") Model model,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll @IntRange(min = 0, max = 1000) int which,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transport)
      throws Exception {
    // The corruptions this pattern allows: a wrong remote static for a side that knows the peer's
    // static in advance, or a wrong value for one of the psks on one side.
    List<Options> corruptions = new ArrayList<>();
    if (model.responderStaticPreShared) {
      corruptions.add(Options.DEFAULT.withWrongRemoteStatic(true));
    }
    if (model.initiatorStaticPreShared) {
      corruptions.add(Options.DEFAULT.withWrongRemoteStatic(false));
    }
    for (int position : model.pskPositions) {
      corruptions.add(Options.DEFAULT.withWrongPsk(position, true));
      corruptions.add(Options.DEFAULT.withWrongPsk(position, false));
    }
    Options corruption = corruptions.get(which % corruptions.size());
    Session s = new Session(model, keys, prologue.bytes, prologue.bytes, corruption);
    // A wrong pre-message key changes h from the start: the first encrypted message fails. A wrong
    // psk is mixed in by the message of its position, which then fails; everything before it,
    // encrypted or not, reads normally.
    int failing =
        corruption.wrongPskPosition >= 0
            ? model.messageOfPsk(corruption.wrongPskPosition)
            : model.firstEncryptedMessage();
    s.expectFailureAt(failing, handshakePayloads, transport);
  }

  // ---------------------------------------------------------------------------------------------
  // (d) Bit flips

  @Property(tries = 2000)
  void aFlippedBitIsRejectedAndTheGenuineMessageStillReads(
      @ForAll("protocols") Model model,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transport,
      @ForAll @IntRange(min = 0, max = 1000) int messageChoice,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitChoice)
      throws Exception {
    int handshakeMessages = model.messages.size();
    int total = handshakeMessages + transport.size();
    int target = messageChoice % total;
    Session s = new Session(model, keys, prologue.bytes, prologue.bytes, Options.DEFAULT);
    for (int i = 0; i < total; i++) {
      boolean fromInitiator;
      byte[] payload;
      byte[] message;
      if (i < handshakeMessages) {
        fromInitiator = model.messages.get(i).fromInitiator;
        payload = handshakePayloads.get(i).bytes;
        message = s.write(i, payload);
      } else {
        TransportMessage m = transport.get(i - handshakeMessages);
        fromInitiator = model.oneWay || m.fromInitiator;
        payload = m.payload.bytes;
        message = s.encrypt(fromInitiator, payload);
      }
      if (i == target) {
        int bit = bitChoice % (message.length * 8);
        byte[] tampered = message.clone();
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        String what = describe(i, handshakeMessages) + " with bit " + bit + " flipped";
        boolean authenticated = i >= handshakeMessages || model.messages.get(i).encrypted;
        Statistics.label("flipped")
            .collect(
                i >= handshakeMessages
                    ? "transport message"
                    : authenticated
                        ? "encrypted handshake message"
                        : "unauthenticated handshake message");
        if (authenticated) {
          // Authenticated: the read must throw, change nothing, and the genuine message must
          // still read; the session then continues as if nothing happened.
          int index = i;
          boolean from = fromInitiator;
          assertThrows(AEADBadTagException.class, () -> s.receive(index, from, tampered), what);
          if (i < handshakeMessages) {
            assertEquals(
                NoiseHandshake.Action.READ_MESSAGE,
                s.side(!fromInitiator).getAction(),
                what + ": the reader still expects the message");
          }
        } else {
          // Unauthenticated (an ephemeral key or a plaintext payload before any key): the change
          // can only show later. Deliver it and check that the two sides cannot exchange any
          // further message, at the latest at the next encrypted one.
          tamperedUnauthenticated(
              s, model, i, tampered, bit, payload, handshakePayloads, transport, what);
          return;
        }
      }
      assertArrayEquals(
          payload,
          s.receive(i, fromInitiator, message),
          describe(i, handshakeMessages) + ": payload");
      if (i == handshakeMessages - 1) {
        s.finish();
      }
    }
  }

  private static void tamperedUnauthenticated(
      Session s,
      Model model,
      int index,
      byte[] tampered,
      int bit,
      byte[] payload,
      List<Bytes> handshakePayloads,
      List<TransportMessage> transport,
      String what)
      throws Exception {
    // Such a message has neither a DH nor a psk, so nothing in it can fail: it is read as is. If
    // the flip hit the plaintext payload, the receiver sees exactly that bit changed; if it hit
    // the ephemeral (or a plaintext static) key, the payload is intact.
    byte[] got = s.receive(index, model.messages.get(index).fromInitiator, tampered);
    int payloadStart = tampered.length - payload.length;
    byte[] expected = payload.clone();
    if (bit / 8 >= payloadStart) {
      expected[bit / 8 - payloadStart] ^= (byte) (1 << (bit % 8));
    }
    assertEquals(HEX.formatHex(expected), HEX.formatHex(got), what + ": payload as received");
    s.expectFailureFrom(
        index + 1, model.firstEncryptedMessageAfter(index), handshakePayloads, transport, what);
  }

  private static String describe(int i, int handshakeMessages) {
    return i < handshakeMessages
        ? "handshake message " + (i + 1)
        : "transport message " + (i - handshakeMessages + 1);
  }

  // ---------------------------------------------------------------------------------------------
  // (e) Noise Pipes: IK with a stale responder key, then XXfallback (section 10.4)

  @Property(tries = 300)
  void aStaleKeyInIkFallsBackToXxFallback(
      @ForAll("suites") String suite,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transport)
      throws Exception {
    Model ik = Model.of("Noise_IK_" + suite);
    // The initiator believes the responder's static key is keys.wrong: its first message fails.
    Session s =
        new Session(
            ik, keys, prologue.bytes, prologue.bytes, Options.DEFAULT.withWrongRemoteStatic(true));
    byte[] first = s.write(0, handshakePayloads.get(0).bytes);
    assertThrows(AEADBadTagException.class, () -> s.responder.readMessage(first), "IK message");

    String fallbackName = "Noise_XXfallback_" + suite;
    NoiseHandshake bob = s.responder.fallback(fallbackName);
    NoiseHandshake alice = s.initiator.fallback(fallbackName);
    assertEquals(NoiseRole.INITIATOR, bob.getRole(), "the responder initiates XXfallback");
    assertEquals(NoiseRole.RESPONDER, alice.getRole());
    bob.setEphemeralKeyForTesting(s.privateKey(keys.responderEphemeral));
    int index = 1;
    while (!bob.isComplete()) {
      boolean bobWrites = bob.getAction() == NoiseHandshake.Action.WRITE_MESSAGE;
      NoiseHandshake writer = bobWrites ? bob : alice;
      NoiseHandshake reader = bobWrites ? alice : bob;
      assertEquals(NoiseHandshake.Action.READ_MESSAGE, reader.getAction());
      byte[] payload = handshakePayloads.get(index++).bytes;
      assertArrayEquals(payload, reader.readMessage(writer.writeMessage(payload)));
    }
    assertEquals(3, index, "XXfallback has two messages");
    assertTrue(alice.isComplete());
    assertArrayEquals(bob.getHandshakeHash(), alice.getHandshakeHash(), "handshake hashes");
    assertEquals(
        ((XECPublicKey) s.publicKey(keys.initiatorStatic)).getU(),
        ((XECPublicKey) bob.getRemoteStaticKey().orElseThrow()).getU());
    assertEquals(
        ((XECPublicKey) s.publicKey(keys.responderStatic)).getU(),
        ((XECPublicKey) alice.getRemoteStaticKey().orElseThrow()).getU());
    NoiseTransport bobT = bob.split();
    NoiseTransport aliceT = alice.split();
    for (TransportMessage m : transport) {
      NoiseTransport from = m.fromInitiator ? aliceT : bobT;
      NoiseTransport to = m.fromInitiator ? bobT : aliceT;
      assertArrayEquals(m.payload.bytes, to.decrypt(from.encrypt(m.payload.bytes)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<String> suites() {
    return Combinators.combine(Arbitraries.of(DHS), Arbitraries.of(CIPHERS), Arbitraries.of(HASHES))
        .as((dh, c, h) -> dh + "_" + c + "_" + h);
  }

  static final List<String> DHS = List.of("25519", "448");
  static final List<String> CIPHERS = List.of("ChaChaPoly", "AESGCM");
  static final List<String> HASHES = List.of("SHA256", "SHA512", "BLAKE2s", "BLAKE2b");

  @Provide
  Arbitrary<Model> protocols() {
    return Arbitraries.of(List.copyOf(SPEC.keySet()))
        .flatMap(base -> modifiers(base).map(m -> base + m))
        .flatMap(
            pattern ->
                Combinators.combine(
                        Arbitraries.of(DHS), Arbitraries.of(CIPHERS), Arbitraries.of(HASHES))
                    .as((dh, c, h) -> Model.of("Noise_" + pattern + "_" + dh + "_" + c + "_" + h)));
  }

  /** Patterns with something to get wrong: a pre-shared static key or a psk. */
  @Provide
  Arbitrary<Model> protocolsWithASecret() {
    return protocols()
        .filter(
            m ->
                m.initiatorStaticPreShared
                    || m.responderStaticPreShared
                    || !m.pskPositions.isEmpty());
  }

  /** No modifier, one psk, or several psks (each position at most once, in increasing order). */
  static Arbitrary<String> modifiers(String base) {
    int messages = parseMessages(SPEC.get(base)).size();
    Arbitrary<String> single = Arbitraries.integers().between(0, messages).map(n -> "psk" + n);
    Arbitrary<String> several =
        Arbitraries.integers()
            .between(0, messages)
            .set()
            .ofMinSize(2)
            .ofMaxSize(messages + 1)
            .map(
                set -> {
                  StringBuilder sb = new StringBuilder();
                  set.stream()
                      .sorted()
                      .forEach(n -> sb.append(sb.length() == 0 ? "" : "+").append("psk" + n));
                  return sb.toString();
                });
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just("")), Tuple.of(2, single), Tuple.of(1, several));
  }

  @Provide
  Arbitrary<Keys> keys() {
    Arbitrary<Bytes> key = NoiseJavaOracleProperties.bytes(56, 56);
    Arbitrary<Bytes> psk = NoiseJavaOracleProperties.bytes(32, 32);
    return Combinators.combine(key, key, key, key, key, psk.list().ofSize(5), psk).as(Keys::new);
  }

  @Provide
  Arbitrary<Bytes> prologues() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, NoiseJavaOracleProperties.bytes(0, 0)),
        Tuple.of(4, NoiseJavaOracleProperties.bytes(1, 100)));
  }

  @Provide
  Arbitrary<List<Bytes>> handshakePayloads() {
    return NoiseJavaOracleProperties.payload().list().ofSize(4);
  }

  @Provide
  Arbitrary<List<TransportMessage>> transportMessages() {
    return Combinators.combine(Arbitraries.of(true, false), NoiseJavaOracleProperties.payload())
        .as(TransportMessage::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  @Provide
  Arbitrary<Options> options() {
    return Combinators.combine(
            Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as(
            (fixedEphemerals, keyPairs, latePsks) ->
                new Options(fixedEphemerals, keyPairs, latePsks, false, false, -1, false));
  }

  // ---------------------------------------------------------------------------------------------
  // The model of a protocol, from the specification's pattern text

  /** One handshake message as the specification writes it. */
  static final class MessageModel {
    final boolean fromInitiator;
    final List<String> tokens;

    /** Whether the payload is encrypted, so that the whole message is authenticated. */
    boolean encrypted;

    MessageModel(boolean fromInitiator, List<String> tokens) {
      this.fromInitiator = fromInitiator;
      this.tokens = tokens;
    }
  }

  static List<MessageModel> parseMessages(String spec) {
    List<MessageModel> r = new ArrayList<>();
    for (String m : spec.split("\\|")[1].split(";")) {
      String t = m.trim();
      List<String> tokens = new ArrayList<>();
      for (String token : t.substring(2).split(",")) {
        tokens.add(token.trim());
      }
      r.add(new MessageModel(t.startsWith("->"), tokens));
    }
    return r;
  }

  static final class Model {
    final String name;
    final NoiseProtocol protocol;
    final boolean oneWay;
    final int dhLength;
    final List<MessageModel> messages;
    final List<Integer> pskPositions;
    final boolean initiatorStaticPreShared;
    final boolean responderStaticPreShared;
    final boolean initiatorHasStatic;
    final boolean responderHasStatic;

    private Model(String name) {
      this.name = name;
      try {
        this.protocol = NoiseProtocol.parse(name);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(name + " is a valid protocol name", e);
      }
      String pattern = name.split("_")[1];
      int split = 0;
      while (split < pattern.length() && !Character.isLowerCase(pattern.charAt(split))) {
        split++;
      }
      String base = pattern.substring(0, split);
      String spec = SPEC.get(base);
      this.oneWay = base.length() == 1;
      this.dhLength = name.contains("_448_") ? 56 : 32;
      this.messages = parseMessages(spec);
      this.pskPositions = NoiseVectorTest.pskPositions(pattern);
      String pre = spec.split("\\|")[0];
      this.initiatorStaticPreShared = pre.contains("-> s");
      this.responderStaticPreShared = pre.contains("<- s");
      boolean is = initiatorStaticPreShared;
      boolean rs = responderStaticPreShared;
      boolean keyed = !pskPositions.isEmpty() && pskPositions.get(0) == 0;
      for (int i = 0; i < messages.size(); i++) {
        MessageModel m = messages.get(i);
        if (m.tokens.contains("s")) {
          if (m.fromInitiator) {
            is = true;
          } else {
            rs = true;
          }
        }
        for (String t : m.tokens) {
          // Section 9.2: with a psk, e is followed by MixKey(e).
          keyed |= t.length() == 2 || (t.equals("e") && !pskPositions.isEmpty());
        }
        keyed |= pskPositions.contains(i + 1);
        m.encrypted = keyed;
      }
      this.initiatorHasStatic = is;
      this.responderHasStatic = rs;
    }

    static Model of(String name) {
      return new Model(name);
    }

    /** Index of the first encrypted handshake message, or the number of messages (transport). */
    int firstEncryptedMessage() {
      return firstEncryptedMessageAfter(-1);
    }

    int firstEncryptedMessageAfter(int index) {
      for (int i = index + 1; i < messages.size(); i++) {
        if (messages.get(i).encrypted) {
          return i;
        }
      }
      return Math.max(index + 1, messages.size());
    }

    /** The index of the handshake message that mixes in psk{@code position}. */
    int messageOfPsk(int position) {
      return position == 0 ? 0 : position - 1;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  static final class Keys {
    final Bytes initiatorStatic;
    final Bytes responderStatic;
    final Bytes initiatorEphemeral;
    final Bytes responderEphemeral;
    final Bytes wrong;
    final List<Bytes> psks;
    final Bytes wrongPsk;

    Keys(Bytes is, Bytes rs, Bytes ie, Bytes re, Bytes wrong, List<Bytes> psks, Bytes wrongPsk) {
      this.initiatorStatic = is;
      this.responderStatic = rs;
      this.initiatorEphemeral = ie;
      this.responderEphemeral = re;
      this.wrong = wrong;
      this.psks = psks;
      this.wrongPsk = wrongPsk;
    }

    @Override
    public String toString() {
      return "Keys[s_i="
          + initiatorStatic
          + ", s_r="
          + responderStatic
          + ", e_i="
          + initiatorEphemeral
          + ", e_r="
          + responderEphemeral
          + ", wrong="
          + wrong
          + ", psks="
          + psks
          + ", wrongPsk="
          + wrongPsk
          + "]";
    }
  }

  /** How a session is set up, and what (if anything) is wrong in it. */
  static final class Options {
    static final Options DEFAULT = new Options(true, false, false, false, false, -1, false);

    final boolean fixedEphemerals;
    final boolean keyPairs;
    final boolean latePsks;

    /** Whether one side gets a wrong remote static key, and which. */
    final boolean wrongRemoteStatic;

    final boolean wrongRemoteStaticAtInitiator;
    final int wrongPskPosition;
    final boolean wrongPskAtInitiator;

    Options(
        boolean fixedEphemerals,
        boolean keyPairs,
        boolean latePsks,
        boolean wrongRemoteStatic,
        boolean wrongRemoteStaticAtInitiator,
        int wrongPskPosition,
        boolean wrongPskAtInitiator) {
      this.fixedEphemerals = fixedEphemerals;
      this.keyPairs = keyPairs;
      this.latePsks = latePsks;
      this.wrongRemoteStatic = wrongRemoteStatic;
      this.wrongRemoteStaticAtInitiator = wrongRemoteStaticAtInitiator;
      this.wrongPskPosition = wrongPskPosition;
      this.wrongPskAtInitiator = wrongPskAtInitiator;
    }

    Options withWrongRemoteStatic(boolean atInitiator) {
      return new Options(fixedEphemerals, keyPairs, latePsks, true, atInitiator, -1, false);
    }

    Options withWrongPsk(int position, boolean atInitiator) {
      return new Options(fixedEphemerals, keyPairs, latePsks, false, false, position, atInitiator);
    }

    @Override
    public String toString() {
      return "Options[fixedEphemerals="
          + fixedEphemerals
          + ", keyPairs="
          + keyPairs
          + ", latePsks="
          + latePsks
          + (wrongRemoteStatic
              ? ", wrong remote static at the "
                  + (wrongRemoteStaticAtInitiator ? "initiator" : "responder")
              : "")
          + (wrongPskPosition >= 0
              ? ", wrong psk"
                  + wrongPskPosition
                  + " at the "
                  + (wrongPskAtInitiator ? "initiator" : "responder")
              : "")
          + "]";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A session of our engine with itself

  static final class Session {
    final Model model;
    final Keys keys;
    final Options options;
    final NoiseHandshake initiator;
    final NoiseHandshake responder;
    NoiseTransport initiatorTransport;
    NoiseTransport responderTransport;

    Session(Model model, Keys keys, byte[] initiatorPrologue, byte[] responderPrologue, Options o)
        throws GeneralSecurityException {
      this.model = model;
      this.keys = keys;
      this.options = o;
      this.initiator = party(true, initiatorPrologue);
      this.responder = party(false, responderPrologue);
    }

    private NoiseHandshake party(boolean isInitiator, byte[] prologue)
        throws GeneralSecurityException {
      NoiseHandshake hs = NoiseHandshake.getInstance(model.name, PROVIDER);
      hs.init(isInitiator ? NoiseRole.INITIATOR : NoiseRole.RESPONDER);
      assertEquals(NoiseHandshake.Action.WRITE_MESSAGE.equals(hs.getAction()), isInitiator);
      hs.setPrologue(prologue);
      Bytes local = isInitiator ? keys.initiatorStatic : keys.responderStatic;
      Bytes remote = isInitiator ? keys.responderStatic : keys.initiatorStatic;
      if (isInitiator ? model.initiatorHasStatic : model.responderHasStatic) {
        PrivateKey priv = privateKey(local);
        if (options.keyPairs) {
          hs.setLocalStaticKey(new KeyPair(publicKey(local), priv));
        } else {
          hs.setLocalStaticKey(priv);
        }
      }
      if (isInitiator ? model.responderStaticPreShared : model.initiatorStaticPreShared) {
        boolean wrong =
            options.wrongRemoteStatic && options.wrongRemoteStaticAtInitiator == isInitiator;
        hs.setRemoteStaticKey(wrong ? wrongPublicKey(remote) : publicKey(remote));
      }
      boolean hasEphemeral = isInitiator || !model.oneWay;
      if (options.fixedEphemerals && hasEphemeral) {
        hs.setEphemeralKeyForTesting(
            privateKey(isInitiator ? keys.initiatorEphemeral : keys.responderEphemeral));
      }
      if (!options.latePsks) {
        for (int position : model.pskPositions) {
          hs.setPsk(position, psk(position, isInitiator));
        }
      }
      return hs;
    }

    byte[] psk(int position, boolean isInitiator) {
      byte[] genuine = keys.psks.get(position).bytes.clone();
      if (options.wrongPskPosition != position || options.wrongPskAtInitiator != isInitiator) {
        return genuine;
      }
      byte[] wrong = keys.wrongPsk.bytes.clone();
      if (Arrays.equals(wrong, genuine)) {
        wrong[0] ^= 1;
      }
      return wrong;
    }

    /** A public key that differs from that of {@code genuine}. */
    PublicKey wrongPublicKey(Bytes genuine) throws GeneralSecurityException {
      PublicKey right = publicKey(genuine);
      PublicKey wrong = publicKey(keys.wrong);
      if (((XECPublicKey) wrong).getU().equals(((XECPublicKey) right).getU())) {
        byte[] other = keys.wrong.bytes.clone();
        other[1] ^= 1; // a bit that clamping keeps, on both curves
        wrong = publicKey(new Bytes(other));
      }
      assertFalse(((XECPublicKey) wrong).getU().equals(((XECPublicKey) right).getU()));
      return wrong;
    }

    /** Sets, when psks are set late, those the message {@code index} consumes, on both sides. */
    private void latePsks(int index) {
      if (!options.latePsks) {
        return;
      }
      for (int position : model.pskPositions) {
        if (model.messageOfPsk(position) == index) {
          initiator.setPsk(position, psk(position, true));
          responder.setPsk(position, psk(position, false));
        }
      }
    }

    PrivateKey privateKey(Bytes raw) throws GeneralSecurityException {
      return NoiseVectorTest.privateKey(model.protocol, Arrays.copyOf(raw.bytes, model.dhLength));
    }

    /** The public key, computed independently of our engine by the JDK (SunEC). */
    PublicKey publicKey(Bytes raw) throws GeneralSecurityException {
      String curve = model.dhLength == 32 ? "X25519" : "X448";
      NamedParameterSpec params = new NamedParameterSpec(curve);
      KeyFactory kf = KeyFactory.getInstance("XDH", "SunEC");
      PrivateKey priv =
          kf.generatePrivate(
              new XECPrivateKeySpec(params, Arrays.copyOf(raw.bytes, model.dhLength)));
      PublicKey base =
          kf.generatePublic(
              new XECPublicKeySpec(params, BigInteger.valueOf(model.dhLength == 32 ? 9 : 5)));
      KeyAgreement ka = KeyAgreement.getInstance("XDH", "SunEC");
      ka.init(priv);
      ka.doPhase(base, true);
      return NoiseVectorTest.publicKey(model.protocol, ka.generateSecret());
    }

    NoiseHandshake side(boolean isInitiator) {
      return isInitiator ? initiator : responder;
    }

    /** Writes handshake message {@code index}, after checking that both sides agree on it. */
    byte[] write(int index, byte[] payload) throws GeneralSecurityException {
      boolean fromInitiator = model.messages.get(index).fromInitiator;
      assertEquals(
          NoiseHandshake.Action.WRITE_MESSAGE,
          side(fromInitiator).getAction(),
          "writer of message " + (index + 1));
      assertEquals(
          NoiseHandshake.Action.READ_MESSAGE,
          side(!fromInitiator).getAction(),
          "reader of message " + (index + 1));
      latePsks(index);
      byte[] m = side(fromInitiator).writeMessage(payload);
      assertEquals(
          m.length, expectedLength(index, payload.length), "length of message " + (index + 1));
      return m;
    }

    private int expectedLength(int index, int payloadLength) {
      int n = payloadLength + (model.messages.get(index).encrypted ? 16 : 0);
      boolean keyedBefore = index > 0 && model.messages.get(index - 1).encrypted;
      boolean psk0 = index == 0 && model.pskPositions.contains(0);
      boolean keyed = keyedBefore || psk0;
      for (String t : model.messages.get(index).tokens) {
        if (t.equals("e")) {
          n += model.dhLength;
          keyed |= !model.pskPositions.isEmpty();
        } else if (t.equals("s")) {
          n += model.dhLength + (keyed ? 16 : 0);
        } else {
          keyed = true;
        }
      }
      return n;
    }

    byte[] encrypt(boolean fromInitiator, byte[] payload) throws GeneralSecurityException {
      return (fromInitiator ? initiatorTransport : responderTransport).encrypt(payload);
    }

    /** Delivers message {@code index} (handshake or transport) to the receiver. */
    byte[] receive(int index, boolean fromInitiator, byte[] message)
        throws GeneralSecurityException {
      if (index < model.messages.size()) {
        return side(!fromInitiator).readMessage(message);
      }
      return (fromInitiator ? responderTransport : initiatorTransport).decrypt(message);
    }

    void handshakeMessage(int index, byte[] payload) throws GeneralSecurityException {
      byte[] m = write(index, payload);
      assertArrayEquals(
          payload,
          receive(index, model.messages.get(index).fromInitiator, m),
          "payload of handshake message " + (index + 1));
    }

    /** Checks the completed handshake and splits both sides. */
    void finish() throws GeneralSecurityException {
      finish(true);
    }

    /**
     * Splits both sides; when {@code genuine}, first checks that they agree on everything (not so
     * when a failure is expected only in the transport phase).
     */
    void finish(boolean genuine) throws GeneralSecurityException {
      assertTrue(initiator.isComplete(), "initiator complete");
      assertTrue(responder.isComplete(), "responder complete");
      assertEquals(NoiseHandshake.Action.SPLIT, initiator.getAction());
      assertEquals(NoiseHandshake.Action.SPLIT, responder.getAction());
      byte[] h = initiator.getHandshakeHash();
      boolean shortHash = model.name.endsWith("SHA256") || model.name.endsWith("BLAKE2s");
      assertEquals(shortHash ? 32 : 64, h.length, "handshake hash length");
      if (genuine) {
        assertEquals(
            HEX.formatHex(h), HEX.formatHex(responder.getHandshakeHash()), "handshake hashes");
        checkRemoteStatic(initiator.getRemoteStaticKey(), model.responderHasStatic, false);
        checkRemoteStatic(responder.getRemoteStaticKey(), model.initiatorHasStatic, true);
      }
      byte[] hr = responder.getHandshakeHash();
      initiatorTransport = initiator.split();
      responderTransport = responder.split();
      assertArrayEquals(h, initiatorTransport.handshakeHash());
      assertArrayEquals(hr, responderTransport.handshakeHash());
      assertEquals(NoiseHandshake.Action.DONE, initiator.getAction());
      assertEquals(NoiseHandshake.Action.DONE, responder.getAction());
    }

    private void checkRemoteStatic(Optional<PublicKey> got, boolean peerHasStatic, boolean ofInit)
        throws GeneralSecurityException {
      assertEquals(peerHasStatic, got.isPresent(), "the peer's static key is known");
      if (peerHasStatic) {
        PublicKey expected = publicKey(ofInit ? keys.initiatorStatic : keys.responderStatic);
        assertEquals(
            ((XECPublicKey) expected).getU(),
            ((XECPublicKey) got.get()).getU(),
            "the peer's static key");
      }
    }

    void transportMessage(boolean fromInitiator, byte[] payload) throws GeneralSecurityException {
      boolean from = model.oneWay || fromInitiator;
      byte[] c = encrypt(from, payload);
      assertEquals(payload.length + 16, c.length);
      assertArrayEquals(payload, receive(model.messages.size(), from, c), "transport payload");
    }

    /**
     * Runs the whole session and expects every read before message {@code failing} (an index over
     * handshake then transport messages) to succeed, and the read of message {@code failing} to
     * throw {@link AEADBadTagException}.
     */
    void expectFailureAt(int failing, List<Bytes> handshakePayloads, List<TransportMessage> t)
        throws GeneralSecurityException {
      int handshakeMessages = model.messages.size();
      for (int i = 0; i < handshakeMessages + t.size(); i++) {
        boolean fromInitiator;
        byte[] payload;
        byte[] message;
        if (i < handshakeMessages) {
          fromInitiator = model.messages.get(i).fromInitiator;
          payload = handshakePayloads.get(i).bytes;
          message = write(i, payload);
        } else {
          if (i == handshakeMessages) {
            finish(false);
          }
          TransportMessage m = t.get(i - handshakeMessages);
          fromInitiator = model.oneWay || m.fromInitiator;
          payload = m.payload.bytes;
          message = encrypt(fromInitiator, payload);
        }
        String what = describe(i, handshakeMessages);
        if (i == failing) {
          int at = i;
          assertThrows(AEADBadTagException.class, () -> receive(at, fromInitiator, message), what);
          return;
        }
        assertArrayEquals(payload, receive(i, fromInitiator, message), what + " reads");
      }
      fail("message " + (failing + 1) + " was expected to fail but the session ended before it");
    }

    /**
     * Continues the session from message {@code from}; some read at or before message {@code
     * deadline} must throw.
     */
    void expectFailureFrom(
        int from, int deadline, List<Bytes> handshakePayloads, List<TransportMessage> t, String why)
        throws GeneralSecurityException {
      int handshakeMessages = model.messages.size();
      for (int i = from; i <= deadline && i < handshakeMessages + t.size(); i++) {
        boolean fromInitiator;
        byte[] message;
        if (i < handshakeMessages) {
          fromInitiator = model.messages.get(i).fromInitiator;
          message = write(i, handshakePayloads.get(i).bytes);
        } else {
          if (i == handshakeMessages) {
            finish(false);
          }
          TransportMessage m = t.get(i - handshakeMessages);
          fromInitiator = model.oneWay || m.fromInitiator;
          message = encrypt(fromInitiator, m.payload.bytes);
        }
        try {
          receive(i, fromInitiator, message);
        } catch (GeneralSecurityException e) {
          return;
        }
      }
      fail(why + ": no read failed up to " + describe(deadline, handshakeMessages));
    }
  }
}
