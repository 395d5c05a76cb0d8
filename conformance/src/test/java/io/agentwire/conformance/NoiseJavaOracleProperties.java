package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.testsupport.NoiseJavaKeys;
import io.agentwire.testsupport.NoiseJavaPeer;
import io.agentwire.testsupport.NoisePeer;
import io.agentwire.testsupport.XecKeys;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * noise-java (revision 30) as an independent oracle for every protocol both implementations share:
 * the 15 one-way and fundamental patterns without psk (psk changed after revision 30), both curves,
 * both ciphers and the four hashes. For random keys, prologue and payloads, each property runs the
 * same handshake and transport messages four times: noise-java with itself (the reference), our
 * engine as initiator against noise-java, noise-java as initiator against our engine, and our
 * engine with itself. Every wire message and the handshake hash must equal the reference byte for
 * byte, and every payload must arrive intact.
 */
class NoiseJavaOracleProperties {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final HexFormat HEX = HexFormat.of();

  /** The patterns noise-java knows that revision 34 did not change. */
  static final List<String> PATTERNS =
      List.of(
          "N", "K", "X", "NN", "NK", "NX", "XN", "XK", "XX", "KN", "KK", "KX", "IN", "IK", "IX");

  static final List<String> DHS = List.of("25519", "448");
  static final List<String> CIPHERS = List.of("ChaChaPoly", "AESGCM");
  static final List<String> HASHES = List.of("SHA256", "SHA512", "BLAKE2s", "BLAKE2b");

  // ---------------------------------------------------------------------------------------------
  // The property

  @Property(tries = 1500)
  void ourEngineAndNoiseJavaProduceTheSameBytesInBothRoles(
      @ForAll("protocols") String protocolName,
      @ForAll("keys") Keys keys,
      @ForAll("prologues") Bytes prologue,
      @ForAll("handshakePayloads") List<Bytes> handshakePayloads,
      @ForAll("transportMessages") List<TransportMessage> transportMessages)
      throws Exception {
    NoiseProtocol protocol = NoiseProtocol.parse(protocolName);
    Scenario scenario =
        new Scenario(protocol, keys, prologue.bytes, handshakePayloads, transportMessages);

    Transcript reference = scenario.run(Impl.NOISE_JAVA, Impl.NOISE_JAVA);
    Transcript oursInitiates = scenario.run(Impl.OURS, Impl.NOISE_JAVA);
    Transcript oursResponds = scenario.run(Impl.NOISE_JAVA, Impl.OURS);
    Transcript oursOnly = scenario.run(Impl.OURS, Impl.OURS);

    assertSameTranscript(reference, oursInitiates, "ours initiator / noise-java responder");
    assertSameTranscript(reference, oursResponds, "noise-java initiator / ours responder");
    assertSameTranscript(reference, oursOnly, "ours initiator / ours responder");
  }

  private static void assertSameTranscript(Transcript expected, Transcript actual, String who) {
    assertEquals(
        expected.messages.size(), actual.messages.size(), who + ": number of wire messages");
    for (int i = 0; i < expected.messages.size(); i++) {
      String what = (i < expected.handshakeMessages ? "handshake" : "transport") + " message " + i;
      assertEquals(
          HEX.formatHex(expected.messages.get(i)),
          HEX.formatHex(actual.messages.get(i)),
          who + ": " + what + " differs from noise-java's");
    }
    assertEquals(
        HEX.formatHex(expected.handshakeHash),
        HEX.formatHex(actual.handshakeHash),
        who + ": handshake hash differs from noise-java's");
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<String> protocols() {
    return Combinators.combine(
            Arbitraries.of(PATTERNS),
            Arbitraries.of(DHS),
            Arbitraries.of(CIPHERS),
            Arbitraries.of(HASHES))
        .as((p, dh, cipher, hash) -> "Noise_" + p + "_" + dh + "_" + cipher + "_" + hash);
  }

  @Provide
  Arbitrary<Keys> keys() {
    Arbitrary<Bytes> key = bytes(56, 56);
    return Combinators.combine(key, key, key, key).as(Keys::new);
  }

  @Provide
  Arbitrary<Bytes> prologues() {
    return Arbitraries.frequencyOf(Tuple.of(1, bytes(0, 0)), Tuple.of(4, bytes(1, 100)));
  }

  @Provide
  Arbitrary<List<Bytes>> handshakePayloads() {
    return payload().list().ofSize(3);
  }

  @Provide
  Arbitrary<List<TransportMessage>> transportMessages() {
    return Combinators.combine(Arbitraries.of(true, false), payload())
        .as(TransportMessage::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  /** Empty, short, and up to a few KiB. */
  static Arbitrary<Bytes> payload() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, bytes(0, 0)), Tuple.of(5, bytes(1, 64)), Tuple.of(3, bytes(65, 4096)));
  }

  /** Random bytes of a length in [min, max], shrinking towards shorter arrays. */
  static Arbitrary<Bytes> bytes(int min, int max) {
    return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.longs())
        .as(
            (length, seed) -> {
              byte[] b = new byte[length];
              new SplittableRandom(seed).nextBytes(b);
              return new Bytes(b);
            });
  }

  /** A byte array with a readable toString for counterexamples. */
  static final class Bytes {
    final byte[] bytes;

    Bytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      String h = HEX.formatHex(bytes, 0, Math.min(bytes.length, 24));
      return bytes.length + ":" + h + (bytes.length > 24 ? "..." : "");
    }
  }

  /** Raw private keys, 56 bytes each; X25519 uses the first 32. */
  static final class Keys {
    final Bytes initiatorStatic;
    final Bytes responderStatic;
    final Bytes initiatorEphemeral;
    final Bytes responderEphemeral;

    Keys(Bytes is, Bytes rs, Bytes ie, Bytes re) {
      this.initiatorStatic = is;
      this.responderStatic = rs;
      this.initiatorEphemeral = ie;
      this.responderEphemeral = re;
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
          + "]";
    }
  }

  /** A transport payload and its direction (forced to initiator to responder when one-way). */
  static final class TransportMessage {
    final boolean fromInitiator;
    final Bytes payload;

    TransportMessage(boolean fromInitiator, Bytes payload) {
      this.fromInitiator = fromInitiator;
      this.payload = payload;
    }

    @Override
    public String toString() {
      return (fromInitiator ? "i->r " : "r->i ") + payload;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Running one scenario with any pair of implementations

  enum Impl {
    OURS,
    NOISE_JAVA
  }

  /** Everything one run produced on the wire. */
  static final class Transcript {
    final List<byte[]> messages = new ArrayList<>();
    int handshakeMessages;
    byte[] handshakeHash;
  }

  static final class Scenario {
    final NoiseProtocol protocol;
    final int dhLength;
    final boolean oneWay;
    final char initiatorLetter;
    final char responderLetter;
    final Keys keys;
    final byte[] prologue;
    final List<Bytes> handshakePayloads;
    final List<TransportMessage> transportMessages;

    Scenario(
        NoiseProtocol protocol,
        Keys keys,
        byte[] prologue,
        List<Bytes> handshakePayloads,
        List<TransportMessage> transportMessages) {
      this.protocol = protocol;
      this.dhLength = protocol.name().contains("_448_") ? 56 : 32;
      this.oneWay = protocol.isOneWay();
      String p = protocol.pattern();
      // One-way: N = "<- s", K = "-> s, <- s", X = "<- s" then s sent. Interactive: first letter
      // is the initiator's static (N none, K known, X/I sent), second the responder's.
      this.initiatorLetter = p.charAt(0);
      this.responderLetter = oneWay ? 'K' : p.charAt(1);
      this.keys = keys;
      this.prologue = prologue;
      this.handshakePayloads = handshakePayloads;
      this.transportMessages = transportMessages;
    }

    boolean initiatorHasStatic() {
      return initiatorLetter != 'N';
    }

    boolean responderHasStatic() {
      return responderLetter != 'N';
    }

    byte[] raw(Bytes key) {
      return Arrays.copyOf(key.bytes, dhLength);
    }

    Transcript run(Impl initiatorImpl, Impl responderImpl) throws Exception {
      NoisePeer initiator = party(initiatorImpl, true);
      NoisePeer responder = party(responderImpl, false);
      Transcript t = new Transcript();
      int index = 0;
      while (!initiator.isComplete()) {
        boolean initiatorWrites = initiator.writesNext();
        assertEquals(
            initiatorWrites, !responder.writesNext(), "the parties agree on who writes next");
        NoisePeer sender = initiatorWrites ? initiator : responder;
        NoisePeer receiver = initiatorWrites ? responder : initiator;
        byte[] payload = handshakePayloads.get(index).bytes;
        byte[] message = sender.write(payload);
        t.messages.add(message);
        assertArrayEquals(
            payload,
            receiver.read(message),
            initiatorImpl + "/" + responderImpl + ": handshake payload " + index);
        index++;
      }
      assertTrue(responder.isComplete(), "both sides complete together");
      t.handshakeMessages = index;
      t.handshakeHash = initiator.handshakeHash();
      assertArrayEquals(
          t.handshakeHash,
          responder.handshakeHash(),
          initiatorImpl + "/" + responderImpl + ": handshake hashes agree");
      initiator.split();
      responder.split();
      int n = 0;
      for (TransportMessage m : transportMessages) {
        boolean fromInitiator = oneWay || m.fromInitiator;
        NoisePeer sender = fromInitiator ? initiator : responder;
        NoisePeer receiver = fromInitiator ? responder : initiator;
        byte[] ciphertext = sender.encrypt(m.payload.bytes);
        t.messages.add(ciphertext);
        assertArrayEquals(
            m.payload.bytes,
            receiver.decrypt(ciphertext),
            initiatorImpl + "/" + responderImpl + ": transport payload " + n++);
      }
      return t;
    }

    private NoisePeer party(Impl impl, boolean initiator) throws Exception {
      byte[] localStatic =
          (initiator ? initiatorHasStatic() : responderHasStatic())
              ? raw(initiator ? keys.initiatorStatic : keys.responderStatic)
              : null;
      // The peer's static key is known in advance when its letter is K.
      byte[] remoteStatic =
          (initiator ? responderLetter : initiatorLetter) == 'K'
              ? publicKeyOf(raw(initiator ? keys.responderStatic : keys.initiatorStatic))
              : null;
      // In one-way patterns the responder has no ephemeral key.
      byte[] ephemeral =
          oneWay && !initiator
              ? null
              : raw(initiator ? keys.initiatorEphemeral : keys.responderEphemeral);
      return impl == Impl.OURS
          ? new Ours(protocol, initiator, prologue, localStatic, remoteStatic, ephemeral)
          : NoiseJavaPeer.create(
              protocol.name(), initiator, prologue, localStatic, remoteStatic, ephemeral);
    }

    /** The public key, computed by noise-java (independent of our engine). */
    private byte[] publicKeyOf(byte[] privateKey) {
      return NoiseJavaKeys.publicOf(dhLength == 56 ? "448" : "25519", privateKey);
    }
  }

  static final class Ours implements NoisePeer {
    private final NoiseHandshake hs;
    private NoiseTransport transport;

    Ours(
        NoiseProtocol protocol,
        boolean initiator,
        byte[] prologue,
        byte[] localStatic,
        byte[] remoteStatic,
        byte[] ephemeral)
        throws GeneralSecurityException {
      hs = NoiseHandshake.getInstance(protocol.name(), PROVIDER);
      hs.init(initiator ? NoiseRole.INITIATOR : NoiseRole.RESPONDER);
      hs.setPrologue(prologue);
      if (localStatic != null) {
        hs.setLocalStaticKey(NoiseVectorTest.privateKey(protocol, localStatic));
      }
      if (remoteStatic != null) {
        hs.setRemoteStaticKey(NoiseVectorTest.publicKey(protocol, remoteStatic));
      }
      if (ephemeral != null) {
        hs.setEphemeralKeyForTesting(NoiseVectorTest.privateKey(protocol, ephemeral));
      }
    }

    @Override
    public boolean writesNext() {
      return hs.getAction() == NoiseHandshake.Action.WRITE_MESSAGE;
    }

    @Override
    public boolean isComplete() {
      return hs.isComplete();
    }

    @Override
    public byte[] write(byte[] payload) throws Exception {
      return hs.writeMessage(payload);
    }

    @Override
    public byte[] read(byte[] message) throws Exception {
      return hs.readMessage(message);
    }

    @Override
    public byte[] handshakeHash() {
      return hs.getHandshakeHash();
    }

    @Override
    public byte[] remoteStatic() {
      return hs.getRemoteStaticKey().map(XecKeys::littleEndian).orElse(null);
    }

    @Override
    public void split() throws Exception {
      byte[] h = hs.getHandshakeHash();
      transport = hs.split();
      assertArrayEquals(h, transport.handshakeHash(), "the transport keeps the handshake hash");
    }

    @Override
    public byte[] encrypt(byte[] plaintext) throws Exception {
      return transport.encrypt(plaintext);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext) throws Exception {
      return transport.decrypt(ciphertext);
    }
  }
}
