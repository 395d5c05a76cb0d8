package io.agentwire.mls.framing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import io.agentwire.mls.internal.framing.Framing;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.FramedContentAuthData;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PrivateMessage;
import io.agentwire.mls.internal.message.PrivateMessageContent;
import io.agentwire.mls.internal.message.ProposalOrRef;
import io.agentwire.mls.internal.message.PublicMessage;
import io.agentwire.mls.internal.message.RemoveProposal;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.message.SenderData;
import io.agentwire.mls.internal.message.SenderDataAad;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.SecretTree.PendingKey;
import io.agentwire.mls.internal.schedule.SecretTree.RatchetType;
import io.agentwire.mls.internal.schedule.SenderDataKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Laws of RFC 9420 §6 framing over all seven suites: public and private round trips for any
 * payload, authenticated data and padding block; every single-bit change of a protected message is
 * refused with an {@link MlsException} and leaves the secret tree able to decrypt the original;
 * another epoch's secrets are refused; a private message is accepted once.
 */
class FramingPropertiesTest {

  private static final int LEAVES = 4;
  private static final int TAG = 16;
  private static final Map<Integer, Suite.KeyPair> SIGNATURE_KEYS = new ConcurrentHashMap<>();

  /** One epoch of a group as its members see it: context and the secrets framing needs. */
  record Epoch(
      Suite suite,
      Suite.KeyPair signature,
      GroupContext context,
      byte[] encryptionSecret,
      byte[] senderDataSecret,
      byte[] membershipKey) {

    static Epoch random(int suiteId, long seed) throws MlsException {
      Suite suite = Suites.get(CipherSuite.fromId(suiteId).orElseThrow());
      Random rnd = new Random(seed);
      int nh = suite.hashLength();
      GroupContext ctx =
          new GroupContext(
              MlsMessage.MLS10,
              suiteId,
              bytes(rnd, 1 + rnd.nextInt(32)),
              rnd.nextLong() >>> 1,
              bytes(rnd, nh),
              bytes(rnd, nh),
              List.of());
      Suite.KeyPair keys =
          SIGNATURE_KEYS.computeIfAbsent(suiteId, id -> suite.generateSignatureKeyPair());
      return new Epoch(suite, keys, ctx, bytes(rnd, nh), bytes(rnd, nh), bytes(rnd, nh));
    }

    SecretTree tree() throws MlsException {
      return new SecretTree(suite, encryptionSecret, LEAVES, SecretTree.Limits.DEFAULT);
    }

    Framing.Signer signer() {
      return (label, content) -> suite.signWithLabel(signature.privateKey(), label, content);
    }

    AuthenticatedContent sign(int wireFormat, FramedContent fc) throws MlsException {
      byte[] tag = fc.contentType() == FramedContent.COMMIT ? new byte[suite.hashLength()] : null;
      return Framing.sign(suite, wireFormat, fc, context, signer(), tag);
    }

    FramedContent content(int type, int leaf, byte[] aad, byte[] payload) {
      Sender s = Sender.member(leaf);
      byte[] g = context.groupId();
      long e = context.epoch();
      switch (type) {
        case FramedContent.APPLICATION:
          return FramedContent.application(g, e, s, aad, payload);
        case FramedContent.PROPOSAL:
          return FramedContent.proposal(g, e, s, aad, new RemoveProposal(payload.length));
        default:
          return FramedContent.commit(
              g,
              e,
              s,
              aad,
              new Commit(List.of(ProposalOrRef.byValue(new RemoveProposal(payload.length))), null));
      }
    }
  }

  static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  @Provide
  Arbitrary<Integer> suites() {
    return Arbitraries.integers().between(1, 7);
  }

  @Provide
  Arbitrary<Integer> contentTypes() {
    return Arbitraries.integers().between(FramedContent.APPLICATION, FramedContent.COMMIT);
  }

  @Provide
  Arbitrary<Integer> handshakeTypes() {
    return Arbitraries.integers().between(FramedContent.PROPOSAL, FramedContent.COMMIT);
  }

  private static void assertSameContent(AuthenticatedContent expected, AuthenticatedContent got) {
    assertArrayEquals(expected.toBytes(), got.toBytes());
  }

  @Property(tries = 100)
  void publicRoundTrip(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll("handshakeTypes") int type,
      @ForAll @IntRange(max = LEAVES - 1) int leaf,
      @ForAll @Size(max = 64) byte[] aad)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    AuthenticatedContent ac =
        ep.sign(MlsMessage.PUBLIC_MESSAGE, ep.content(type, leaf, aad, new byte[leaf]));
    PublicMessage pub = Framing.toPublic(ep.suite(), ac, ep.context(), ep.membershipKey());
    PublicMessage back = MlsMessage.decode(MlsMessage.of(pub).toBytes()).publicMessage();
    AuthenticatedContent got =
        Framing.fromPublic(ep.suite(), back, ep.context(), ep.membershipKey());
    assertSameContent(ac, got);
    assertTrue(Framing.verifySignature(ep.suite(), got, ep.context(), ep.signature().publicKey()));
  }

  @Property(tries = 100)
  void privateRoundTripWithAnyPadding(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll("contentTypes") int type,
      @ForAll @IntRange(max = LEAVES - 1) int leaf,
      @ForAll @Size(max = 300) byte[] payload,
      @ForAll @Size(max = 64) byte[] aad,
      @ForAll @IntRange(max = 300) int paddingBlock)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    AuthenticatedContent ac =
        ep.sign(MlsMessage.PRIVATE_MESSAGE, ep.content(type, leaf, aad, payload));
    SecretTree sender = ep.tree();
    SecretTree receiver = ep.tree();
    PrivateMessage priv =
        Framing.toPrivate(ep.suite(), ac, ep.senderDataSecret(), sender, paddingBlock);
    int plaintext = priv.ciphertext().length - TAG;
    int unpadded = PrivateMessageContent.of(ac.content(), ac.auth(), 0).toBytes().length;
    if (paddingBlock > 0) {
      assertEquals(0, plaintext % paddingBlock);
      assertTrue(plaintext - unpadded < paddingBlock);
    } else {
      assertEquals(unpadded, plaintext);
    }
    PrivateMessage back = MlsMessage.decode(MlsMessage.of(priv).toBytes()).privateMessage();
    AuthenticatedContent got =
        Framing.fromPrivate(ep.suite(), back, ep.senderDataSecret(), receiver, LEAVES, x -> x);
    assertSameContent(ac, got);
    assertTrue(Framing.verifySignature(ep.suite(), got, ep.context(), ep.signature().publicKey()));
  }

  @Property(tries = 150)
  void anyBitFlipOfAPublicMessageIsRefused(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll("handshakeTypes") int type,
      @ForAll @Size(max = 16) byte[] aad,
      @ForAll @IntRange(max = Integer.MAX_VALUE - 1) int where)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    AuthenticatedContent ac =
        ep.sign(MlsMessage.PUBLIC_MESSAGE, ep.content(type, 1, aad, new byte[3]));
    byte[] wire =
        MlsMessage.of(Framing.toPublic(ep.suite(), ac, ep.context(), ep.membershipKey())).toBytes();
    int bit = where % (wire.length * 8);
    wire[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThrows(
        MlsException.class,
        () ->
            Framing.fromPublic(
                ep.suite(),
                MlsMessage.decode(wire).publicMessage(),
                ep.context(),
                ep.membershipKey()));
  }

  /** External senders carry no membership tag: there the signature must catch every change. */
  @Property(tries = 100)
  void anyBitFlipOfAnExternalProposalFailsItsSignature(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll @IntRange(max = Integer.MAX_VALUE - 1) int where)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    FramedContent fc =
        FramedContent.proposal(
            ep.context().groupId(),
            ep.context().epoch(),
            Sender.external(0),
            new byte[0],
            new RemoveProposal(1));
    AuthenticatedContent ac = ep.sign(MlsMessage.PUBLIC_MESSAGE, fc);
    byte[] wire = MlsMessage.of(Framing.toPublic(ep.suite(), ac, null, null)).toBytes();
    int bit = where % (wire.length * 8);
    wire[bit / 8] ^= (byte) (1 << (bit % 8));
    boolean accepted;
    try {
      AuthenticatedContent got =
          Framing.fromPublic(ep.suite(), MlsMessage.decode(wire).publicMessage(), null, null);
      accepted = Framing.verifySignature(ep.suite(), got, ep.context(), ep.signature().publicKey());
    } catch (MlsException e) {
      accepted = false;
    }
    assertFalse(accepted);
  }

  @Property(tries = 150)
  void anyBitFlipOfAPrivateMessageIsRefusedAndChangesNothing(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll("contentTypes") int type,
      @ForAll @Size(max = 40) byte[] payload,
      @ForAll @Size(max = 16) byte[] aad,
      @ForAll @IntRange(max = Integer.MAX_VALUE - 1) int where)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    AuthenticatedContent ac =
        ep.sign(MlsMessage.PRIVATE_MESSAGE, ep.content(type, 2, aad, payload));
    SecretTree receiver = ep.tree();
    PrivateMessage priv = Framing.toPrivate(ep.suite(), ac, ep.senderDataSecret(), ep.tree(), 8);
    byte[] wire = MlsMessage.of(priv).toBytes();
    int bit = where % (wire.length * 8);
    wire[bit / 8] ^= (byte) (1 << (bit % 8));
    boolean[] accepted = {false};
    assertThrows(
        MlsException.class,
        () ->
            Framing.fromPrivate(
                ep.suite(),
                MlsMessage.decode(wire).privateMessage(),
                ep.senderDataSecret(),
                receiver,
                LEAVES,
                x -> accepted[0] = true));
    assertFalse(accepted[0], "the acceptor saw tampered content");
    assertEquals(0, receiver.nextGeneration(2, RatchetType.HANDSHAKE));
    assertEquals(0, receiver.nextGeneration(2, RatchetType.APPLICATION));
    AuthenticatedContent got =
        Framing.fromPrivate(ep.suite(), priv, ep.senderDataSecret(), receiver, LEAVES, x -> x);
    assertSameContent(ac, got);
  }

  @Property(tries = 50)
  void anotherEpochsSecretsAreRefused(
      @ForAll("suites") int suite, @ForAll long seed, @ForAll("handshakeTypes") int type)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    Epoch other = Epoch.random(suite, seed + 1);
    AuthenticatedContent pubAc =
        ep.sign(MlsMessage.PUBLIC_MESSAGE, ep.content(type, 0, new byte[0], new byte[1]));
    PublicMessage pub = Framing.toPublic(ep.suite(), pubAc, ep.context(), ep.membershipKey());
    assertReason(
        Reason.BAD_SIGNATURE,
        () -> Framing.fromPublic(ep.suite(), pub, ep.context(), other.membershipKey()));
    assertReason(
        Reason.BAD_SIGNATURE,
        () -> Framing.fromPublic(ep.suite(), pub, other.context(), ep.membershipKey()));
    assertFalse(
        Framing.verifySignature(ep.suite(), pubAc, other.context(), ep.signature().publicKey()));

    AuthenticatedContent privAc =
        ep.sign(MlsMessage.PRIVATE_MESSAGE, ep.content(type, 0, new byte[0], new byte[1]));
    PrivateMessage priv =
        Framing.toPrivate(ep.suite(), privAc, ep.senderDataSecret(), ep.tree(), 0);
    SecretTree otherTree = other.tree();
    assertReason(
        Reason.DECRYPT_FAILED,
        () ->
            Framing.fromPrivate(
                ep.suite(), priv, other.senderDataSecret(), ep.tree(), LEAVES, x -> x));
    assertReason(
        Reason.DECRYPT_FAILED,
        () ->
            Framing.fromPrivate(
                ep.suite(), priv, ep.senderDataSecret(), otherTree, LEAVES, x -> x));
    assertEquals(0, otherTree.nextGeneration(0, RatchetType.HANDSHAKE));
  }

  @Property(tries = 50)
  void aPrivateMessageIsAcceptedOnceInAnyOrder(
      @ForAll("suites") int suite,
      @ForAll long seed,
      @ForAll("contentTypes") int type,
      @ForAll @IntRange(min = 1, max = 6) int count)
      throws Exception {
    Epoch ep = Epoch.random(suite, seed);
    SecretTree sender = ep.tree();
    SecretTree receiver = ep.tree();
    List<PrivateMessage> sent = new ArrayList<>();
    List<AuthenticatedContent> contents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      AuthenticatedContent ac =
          ep.sign(
              MlsMessage.PRIVATE_MESSAGE, ep.content(type, 3, new byte[] {(byte) i}, new byte[i]));
      contents.add(ac);
      sent.add(Framing.toPrivate(ep.suite(), ac, ep.senderDataSecret(), sender, 0));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    for (int i : order) {
      PrivateMessage m = sent.get(i);
      // An acceptor that refuses leaves the key for a later attempt.
      assertReason(
          Reason.POLICY_REJECTED,
          () ->
              Framing.fromPrivate(
                  ep.suite(),
                  m,
                  ep.senderDataSecret(),
                  receiver,
                  LEAVES,
                  x -> {
                    throw new MlsException(Reason.POLICY_REJECTED, "no");
                  }));
      assertSameContent(
          contents.get(i),
          Framing.fromPrivate(ep.suite(), m, ep.senderDataSecret(), receiver, LEAVES, x -> x));
      assertReason(
          Reason.SECRET_CONSUMED,
          () ->
              Framing.fromPrivate(ep.suite(), m, ep.senderDataSecret(), receiver, LEAVES, x -> x));
    }
  }

  @Example
  void nonZeroPaddingIsMalformed() throws Exception {
    Epoch ep = Epoch.random(1, 7);
    AuthenticatedContent ac =
        ep.sign(
            MlsMessage.PRIVATE_MESSAGE,
            ep.content(FramedContent.APPLICATION, 1, new byte[0], new byte[5]));
    byte[] plaintext = PrivateMessageContent.of(ac.content(), ac.auth(), 4).toBytes();
    plaintext[plaintext.length - 2] = 1;
    PrivateMessage forged = forge(ep, ac.content(), plaintext, 1, 0);
    SecretTree receiver = ep.tree();
    assertReason(
        Reason.MALFORMED,
        () ->
            Framing.fromPrivate(
                ep.suite(), forged, ep.senderDataSecret(), receiver, LEAVES, x -> x));
    // With zero padding the same forging path decrypts, so the refusal above is the padding's.
    byte[] good = PrivateMessageContent.of(ac.content(), ac.auth(), 4).toBytes();
    assertSameContent(
        ac,
        Framing.fromPrivate(
            ep.suite(),
            forge(ep, ac.content(), good, 1, 0),
            ep.senderDataSecret(),
            receiver,
            LEAVES,
            x -> x));
  }

  @Example
  void aSenderLeafOutsideTheGroupIsInvalid() throws Exception {
    Epoch ep = Epoch.random(3, 11);
    AuthenticatedContent ac =
        ep.sign(
            MlsMessage.PRIVATE_MESSAGE,
            ep.content(FramedContent.APPLICATION, 3, new byte[0], new byte[5]));
    byte[] plaintext = PrivateMessageContent.of(ac.content(), ac.auth(), 0).toBytes();
    PrivateMessage forged = forge(ep, ac.content(), plaintext, 3, 0);
    // The tree has 4 leaves but the group only 3.
    assertReason(
        Reason.INVALID,
        () -> Framing.fromPrivate(ep.suite(), forged, ep.senderDataSecret(), ep.tree(), 3, x -> x));
    PrivateMessage negative = forge(ep, ac.content(), plaintext, -1, 0);
    assertReason(
        Reason.INVALID,
        () ->
            Framing.fromPrivate(
                ep.suite(), negative, ep.senderDataSecret(), ep.tree(), LEAVES, x -> x));
  }

  @Example
  void aGenerationFarAheadIsRefusedBeforeDerivation() throws Exception {
    Epoch ep = Epoch.random(1, 13);
    AuthenticatedContent ac =
        ep.sign(
            MlsMessage.PRIVATE_MESSAGE,
            ep.content(FramedContent.APPLICATION, 0, new byte[0], new byte[5]));
    byte[] plaintext = PrivateMessageContent.of(ac.content(), ac.auth(), 0).toBytes();
    PrivateMessage forged = forge(ep, ac.content(), plaintext, 0, -1);
    assertReason(
        Reason.LIMIT_EXCEEDED,
        () ->
            Framing.fromPrivate(
                ep.suite(), forged, ep.senderDataSecret(), ep.tree(), LEAVES, x -> x));
  }

  @Example
  void framingRulesAreEnforced() throws Exception {
    Epoch ep = Epoch.random(1, 17);
    byte[] g = ep.context().groupId();
    long e = ep.context().epoch();
    FramedContent externalCommit =
        FramedContent.commit(g, e, Sender.external(0), new byte[0], new Commit(List.of(), null));
    assertReason(Reason.INVALID, () -> ep.sign(MlsMessage.PUBLIC_MESSAGE, externalCommit));
    FramedContent newMemberProposal =
        FramedContent.proposal(g, e, Sender.newMemberCommit(), new byte[0], new RemoveProposal(0));
    assertReason(Reason.INVALID, () -> ep.sign(MlsMessage.PUBLIC_MESSAGE, newMemberProposal));
    FramedContent externalProposal =
        FramedContent.proposal(g, e, Sender.external(0), new byte[0], new RemoveProposal(0));
    assertReason(Reason.INVALID, () -> ep.sign(MlsMessage.PRIVATE_MESSAGE, externalProposal));
    assertReason(Reason.INVALID, () -> ep.sign(MlsMessage.WELCOME, externalProposal));
    // A received PublicMessage breaking a rule is refused even with a valid-looking shape.
    PublicMessage bad =
        new PublicMessage(
            externalCommit, new FramedContentAuthData(new byte[64], new byte[32]), null);
    assertReason(Reason.INVALID, () -> Framing.fromPublic(ep.suite(), bad, null, null));
    // A confirmation tag goes with commits only.
    FramedContent proposal = ep.content(FramedContent.PROPOSAL, 0, new byte[0], new byte[0]);
    assertReason(
        Reason.INVALID,
        () ->
            Framing.sign(
                ep.suite(),
                MlsMessage.PUBLIC_MESSAGE,
                proposal,
                ep.context(),
                ep.signer(),
                new byte[32]));
    FramedContent commit = ep.content(FramedContent.COMMIT, 0, new byte[0], new byte[0]);
    assertReason(
        Reason.INVALID,
        () ->
            Framing.sign(
                ep.suite(), MlsMessage.PUBLIC_MESSAGE, commit, ep.context(), ep.signer(), null));
    // Content signed for one wire format is not sent in the other.
    AuthenticatedContent signedPrivate = ep.sign(MlsMessage.PRIVATE_MESSAGE, proposal);
    assertReason(
        Reason.INVALID,
        () -> Framing.toPublic(ep.suite(), signedPrivate, ep.context(), ep.membershipKey()));
    AuthenticatedContent signedPublic = ep.sign(MlsMessage.PUBLIC_MESSAGE, proposal);
    SecretTree tree = ep.tree();
    assertReason(
        Reason.INVALID,
        () -> Framing.toPrivate(ep.suite(), signedPublic, ep.senderDataSecret(), tree, 0));
    assertReason(
        Reason.INVALID,
        () -> Framing.toPrivate(ep.suite(), signedPrivate, ep.senderDataSecret(), tree, -1));
    assertReason(
        Reason.LIMIT_EXCEEDED,
        () ->
            Framing.toPrivate(
                ep.suite(), signedPrivate, ep.senderDataSecret(), tree, Integer.MAX_VALUE));
    // None of the refused sends used a generation.
    assertEquals(0, tree.nextGeneration(0, RatchetType.HANDSHAKE));
  }

  /**
   * A PrivateMessage built by hand from {@code plaintext}, with sender data naming {@code leaf} and
   * {@code generation} (the content key is that of leaf 0's next generation when the claimed leaf
   * is outside the tree).
   */
  private static PrivateMessage forge(
      Epoch ep, FramedContent fc, byte[] plaintext, int leaf, int generation) throws Exception {
    Suite s = ep.suite();
    byte[] guard = {1, 2, 3, 4};
    byte[] ciphertext;
    int keyLeaf = leaf >= 0 && leaf < LEAVES ? leaf : 0;
    RatchetType type =
        fc.contentType() == FramedContent.APPLICATION
            ? RatchetType.APPLICATION
            : RatchetType.HANDSHAKE;
    try (PendingKey k = ep.tree().sendKey(keyLeaf, type)) {
      byte[] nonce = k.nonce().clone();
      for (int i = 0; i < 4; i++) {
        nonce[i] ^= guard[i];
      }
      PrivateMessage shape =
          new PrivateMessage(
              fc.groupId(),
              fc.epoch(),
              fc.contentType(),
              fc.authenticatedData(),
              new byte[0],
              new byte[0]);
      ciphertext = s.seal(k.key(), nonce, shape.contentAad().toBytes(), plaintext);
    }
    byte[] sd = new SenderData(leaf, generation, guard).toBytes();
    byte[] esd =
        s.seal(
            SenderDataKeys.key(s, ep.senderDataSecret(), ciphertext),
            SenderDataKeys.nonce(s, ep.senderDataSecret(), ciphertext),
            new SenderDataAad(fc.groupId(), fc.epoch(), fc.contentType()).toBytes(),
            sd);
    return new PrivateMessage(
        fc.groupId(), fc.epoch(), fc.contentType(), fc.authenticatedData(), esd, ciphertext);
  }

  interface Call {
    Object run() throws Exception;
  }

  private static void assertReason(Reason reason, Call call) {
    MlsException e = assertThrows(MlsException.class, call::run);
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
