package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.message.ApplicationIdExtension;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.Capabilities;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.Credential;
import io.agentwire.mls.internal.message.Extension;
import io.agentwire.mls.internal.message.Extensions;
import io.agentwire.mls.internal.message.ExternalPubExtension;
import io.agentwire.mls.internal.message.ExternalSender;
import io.agentwire.mls.internal.message.ExternalSendersExtension;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.FramedContentAuthData;
import io.agentwire.mls.internal.message.FramedContentTbs;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.message.GroupSecrets;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Lifetime;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.ParentNode;
import io.agentwire.mls.internal.message.PathSecret;
import io.agentwire.mls.internal.message.PreSharedKeyId;
import io.agentwire.mls.internal.message.PrivateMessage;
import io.agentwire.mls.internal.message.PrivateMessageContent;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.ProposalOrRef;
import io.agentwire.mls.internal.message.PskLabel;
import io.agentwire.mls.internal.message.PublicMessage;
import io.agentwire.mls.internal.message.RatchetTreeCodec;
import io.agentwire.mls.internal.message.RemoveProposal;
import io.agentwire.mls.internal.message.RequiredCapabilitiesExtension;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.message.SenderData;
import io.agentwire.mls.internal.message.Wire;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of the wire structs the vectors do not reach: bounds, closed enums, variants. */
class StructRulesTest {

  private static final byte[] GROUP = {1, 2, 3};

  private static MlsException refused(Reason reason, TlsReader.Element<?> element, byte[] in) {
    MlsException e = assertThrows(MlsException.class, () -> Wire.decode(in, element, "test input"));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  static LeafNode leaf(int source) {
    return new LeafNode(
        new byte[] {10},
        new byte[] {11},
        Credential.basic("alice".getBytes()),
        new Capabilities(List.of(1), List.of(1), List.of(), List.of(), List.of(1)),
        source,
        source == LeafNode.KEY_PACKAGE ? new Lifetime(0, -1L) : null,
        source == LeafNode.COMMIT ? new byte[] {12} : null,
        List.of(),
        new byte[] {13});
  }

  @Test
  void ratchetTreeNodeCountIsBounded() throws MlsException {
    int limit = Wire.MAX_TREE_NODES;
    for (int n : new int[] {limit, limit + 1}) {
      TlsWriter w = new TlsWriter(n + 4);
      w.vector(() -> w.raw(new byte[n])); // n blank nodes
      byte[] in = w.toByteArray();
      if (n == limit) {
        assertEquals(limit, RatchetTreeCodec.decode(in).size());
      } else {
        refused(Reason.LIMIT_EXCEEDED, RatchetTreeCodec::read, in);
      }
    }
  }

  @Test
  void smallElementListsAreBounded() {
    TlsWriter w = new TlsWriter();
    w.vector(() -> w.raw(new byte[2 * (Wire.MAX_LIST + 1)]));
    w.vector(() -> {});
    w.vector(() -> {});
    w.vector(() -> {});
    w.vector(() -> {});
    refused(Reason.LIMIT_EXCEEDED, Capabilities::read, w.toByteArray());
  }

  @Test
  void onlyMls10IsRead() {
    for (String version : new String[] {"0000", "0002", "ffff"}) {
      refused(Reason.UNSUPPORTED, MlsMessage::read, bytes(version + "0005"));
    }
  }

  @Test
  void unknownWireFormatsAreUnsupported() {
    for (String format : new String[] {"0000", "0006", "0a0a", "ffff"}) {
      refused(Reason.UNSUPPORTED, MlsMessage::read, bytes("0001" + format + "00"));
    }
  }

  @Test
  void closedEnumsRefuseUnknownValues() {
    // sender_type 0 and 5
    refused(Reason.MALFORMED, Sender::read, bytes("00"));
    refused(Reason.MALFORMED, Sender::read, bytes("05"));
    // content_type 0 and 4, after group_id, epoch, a member sender and authenticated_data
    String head = "03010203" + "0000000000000007" + "0100000000" + "00";
    refused(Reason.MALFORMED, FramedContent::read, bytes(head + "00"));
    refused(Reason.MALFORMED, FramedContent::read, bytes(head + "04"));
    refused(Reason.MALFORMED, PrivateMessage::read, bytes("03010203" + "0000000000000007" + "04"));
    // node_type 0 and 3
    refused(Reason.MALFORMED, Node::read, bytes("00"));
    refused(Reason.MALFORMED, Node::read, bytes("03"));
    // psktype 0 and 3, resumption usage 0 and 4
    refused(Reason.MALFORMED, PreSharedKeyId::read, bytes("0000"));
    refused(Reason.MALFORMED, PreSharedKeyId::read, bytes("0300"));
    refused(Reason.MALFORMED, PreSharedKeyId::read, bytes("0200"));
    refused(Reason.MALFORMED, PreSharedKeyId::read, bytes("0204"));
    // ProposalOrRefType 0 and 3
    refused(Reason.MALFORMED, ProposalOrRef::read, bytes("00"));
    refused(Reason.MALFORMED, ProposalOrRef::read, bytes("0300"));
    // an optional's presence byte is 0 or 1
    refused(Reason.MALFORMED, RatchetTreeCodec::read, bytes("0102"));
  }

  @Test
  void unknownLeafNodeSourceIsMalformed() {
    byte[] good = leaf(LeafNode.UPDATE).toBytes();
    int sourceAt = 1 + 1 + 1 + 1 + 2 + 1 + 5 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 2;
    assertEquals(LeafNode.UPDATE, good[sourceAt]);
    for (int source : new int[] {0, 4, 255}) {
      byte[] bad = good.clone();
      bad[sourceAt] = (byte) source;
      refused(Reason.MALFORMED, LeafNode::read, bad);
    }
  }

  @Test
  void unknownProposalTypesByValueAreUnsupportedButRefsAreKept() throws MlsException {
    refused(Reason.UNSUPPORTED, Proposal::read, bytes("0008"));
    refused(Reason.UNSUPPORTED, Proposal::read, bytes("0a0a00"));
    refused(Reason.UNSUPPORTED, Proposal::read, bytes("0000"));
    Commit byRef = new Commit(List.of(ProposalOrRef.byReference(new byte[] {9, 9})), null);
    byte[] enc = byRef.toBytes();
    assertArrayEquals(bytes("0402020909" + "00"), enc);
    assertArrayEquals(enc, Wire.decode(enc, Commit::read, "Commit").toBytes());
  }

  @Test
  void unknownCredentialTypesRoundTripAsOpaque() throws MlsException {
    byte[] in = bytes("0a0a" + "03616263");
    Credential c = Wire.decode(in, Credential::read, "Credential");
    assertEquals(0x0a0a, c.credentialType());
    assertArrayEquals("abc".getBytes(), c.identity());
    assertArrayEquals(in, c.toBytes());

    Credential x509 = Credential.x509(List.of(new byte[] {1}, new byte[] {2, 3}));
    byte[] enc = x509.toBytes();
    assertArrayEquals(bytes("0002" + "05" + "0101" + "020203"), enc);
    Credential back = Wire.decode(enc, Credential::read, "Credential");
    assertEquals(2, back.certificates().size());
    assertEquals(0, back.identity().length);
    assertEquals(x509, back);
  }

  @Test
  void largeUint32ValuesKeepTheirBits() throws MlsException {
    byte[] in = bytes("ff9c1c7b");
    RemoveProposal r = Wire.decode(in, RemoveProposal::readBody, "Remove");
    assertTrue(r.removed() < 0, "2^31 and above read as negative ints");
    assertEquals(0xff9c1c7bL, Integer.toUnsignedLong(r.removed()));
    TlsWriter w = new TlsWriter();
    r.encodeBody(w);
    assertArrayEquals(in, w.toByteArray());
  }

  @Test
  void leafNodeTbsAppendsGroupAndIndexOnlyForUpdateAndCommit() {
    LeafNode kp = leaf(LeafNode.KEY_PACKAGE);
    byte[] enc = kp.toBytes();
    byte[] content = Arrays.copyOf(enc, enc.length - 2); // the signature is opaque<V> of 1 byte
    assertArrayEquals(content, kp.toBeSigned(null, 0));
    for (int source : new int[] {LeafNode.UPDATE, LeafNode.COMMIT}) {
      LeafNode n = leaf(source);
      byte[] e = n.toBytes();
      byte[] expected =
          new TlsWriter()
              .raw(Arrays.copyOf(e, e.length - 2))
              .opaque(GROUP)
              .u32(0x80000001L)
              .toByteArray();
      assertArrayEquals(expected, n.toBeSigned(GROUP, 0x80000001));
    }
    LeafNode signed = kp.withSignature(new byte[] {1, 2});
    assertArrayEquals(kp.toBeSigned(null, 0), signed.toBeSigned(null, 0));
    assertFalse(signed.equals(kp));
    assertEquals(kp, leaf(LeafNode.KEY_PACKAGE));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LeafNode(
                kp.encryptionKey(),
                kp.signatureKey(),
                kp.credential(),
                kp.capabilities(),
                LeafNode.UPDATE,
                kp.lifetime(),
                null,
                List.of(),
                kp.signature()));
  }

  @Test
  void parentNodesRoundTrip() throws MlsException {
    ParentNode p = new ParentNode(new byte[] {1}, new byte[0], List.of(0, 2, -1));
    byte[] enc = Node.parent(p).toBytes();
    assertArrayEquals(
        bytes("02" + "0101" + "00" + "0c" + "00000000" + "00000002" + "ffffffff"), enc);
    Node back = Wire.decode(enc, Node::read, "Node");
    assertFalse(back.isLeaf());
    assertEquals(p, back.parent());
    assertThrows(IllegalStateException.class, back::leaf);
  }

  private static GroupContext context() {
    return new GroupContext(1, 1, GROUP, 7, new byte[] {4}, new byte[] {5}, List.of());
  }

  @Test
  void membershipTagOnlyForMemberSenders() throws MlsException {
    FramedContentAuthData auth = new FramedContentAuthData(new byte[] {1}, null);
    for (Sender s :
        List.of(Sender.external(3), Sender.newMemberProposal(), Sender.member(0x7fffffff))) {
      FramedContent content =
          FramedContent.proposal(GROUP, 7, s, new byte[0], new RemoveProposal(1));
      byte[] tag = s.isMember() ? new byte[] {8, 8} : null;
      MlsMessage m = MlsMessage.of(new PublicMessage(content, auth, tag));
      byte[] enc = m.toBytes();
      PublicMessage back = MlsMessage.decode(enc).publicMessage();
      assertArrayEquals(enc, MlsMessage.of(back).toBytes());
      assertEquals(s, back.content().sender());
      assertEquals(s.isMember(), back.membershipTag() != null);
      assertThrows(
          IllegalArgumentException.class,
          () -> new PublicMessage(content, auth, s.isMember() ? null : new byte[] {1}));
    }
    FramedContent commit =
        FramedContent.commit(
            GROUP, 7, Sender.newMemberCommit(), new byte[0], new Commit(List.of(), null));
    assertThrows(IllegalArgumentException.class, () -> new PublicMessage(commit, auth, null));
    PublicMessage pm =
        new PublicMessage(commit, new FramedContentAuthData(new byte[] {1}, new byte[] {2}), null);
    assertArrayEquals(pm.toBytes(), Wire.decode(pm.toBytes(), PublicMessage::read, "pm").toBytes());
  }

  @Test
  void framedContentTbsCarriesTheContextForMemberAndNewMemberCommitSenders() throws MlsException {
    GroupContext ctx = context();
    for (Sender s :
        List.of(
            Sender.member(1),
            Sender.external(0),
            Sender.newMemberProposal(),
            Sender.newMemberCommit())) {
      FramedContent content =
          FramedContent.application(GROUP, 7, s, new byte[] {6}, new byte[] {7});
      AuthenticatedContent ac =
          new AuthenticatedContent(
              MlsMessage.PRIVATE_MESSAGE, content, new FramedContentAuthData(new byte[0], null));
      byte[] tbs = ac.toBeSigned(ctx);
      TlsWriter expected = new TlsWriter().u16(1).u16(MlsMessage.PRIVATE_MESSAGE);
      content.encode(expected);
      if (s.signsGroupContext()) {
        ctx.encode(expected);
      }
      assertArrayEquals(expected.toByteArray(), tbs, s.toString());
      assertArrayEquals(tbs, Wire.decode(tbs, FramedContentTbs::read, "tbs").toBytes());
      assertArrayEquals(
          ac.toBytes(), Wire.decode(ac.toBytes(), AuthenticatedContent::read, "ac").toBytes());
    }
  }

  @Test
  void privateMessageContentPaddingIsZerosAndTheTypeComesFromOutside() throws MlsException {
    FramedContentAuthData auth = new FramedContentAuthData(new byte[] {1, 2}, null);
    PrivateMessageContent app =
        new PrivateMessageContent(FramedContent.APPLICATION, new byte[] {9}, null, null, auth, 5);
    byte[] enc = app.toBytes();
    assertArrayEquals(bytes("0109" + "020102" + "0000000000"), enc);
    PrivateMessageContent back = PrivateMessageContent.decode(enc, FramedContent.APPLICATION);
    assertEquals(5, back.paddingLength());
    assertArrayEquals(enc, back.toBytes());
    for (int i = 5; i < enc.length; i++) {
      byte[] bad = enc.clone();
      bad[i] = (byte) 0x80;
      MlsException e =
          assertThrows(
              MlsException.class,
              () -> PrivateMessageContent.decode(bad, FramedContent.APPLICATION));
      assertEquals(Reason.MALFORMED, e.reason());
    }
    // The same bytes read as a commit (its confirmation tag is required) do not parse.
    assertThrows(MlsException.class, () -> PrivateMessageContent.decode(enc, FramedContent.COMMIT));
    assertThrows(MlsException.class, () -> PrivateMessageContent.decode(enc, 0));
    assertEquals(
        0,
        PrivateMessageContent.decode(bytes("0109020102"), FramedContent.APPLICATION)
            .paddingLength());

    FramedContentAuthData commitAuth = new FramedContentAuthData(new byte[] {1}, new byte[] {3});
    PrivateMessageContent commit =
        new PrivateMessageContent(
            FramedContent.COMMIT, null, null, new Commit(List.of(), null), commitAuth, 10_000);
    byte[] c = commit.toBytes();
    assertEquals(2 + 2 + 2 + 10_000, c.length);
    assertArrayEquals(c, PrivateMessageContent.decode(c, FramedContent.COMMIT).toBytes());
  }

  @Test
  void senderDataHasAFourByteReuseGuard() throws MlsException {
    SenderData sd = new SenderData(3, -2, new byte[] {1, 2, 3, 4});
    byte[] enc = sd.toBytes();
    assertArrayEquals(bytes("00000003" + "fffffffe" + "01020304"), enc);
    assertArrayEquals(enc, SenderData.decode(enc).toBytes());
    assertThrows(MlsException.class, () -> SenderData.decode(Arrays.copyOf(enc, 11)));
    assertThrows(IllegalArgumentException.class, () -> new SenderData(0, 0, new byte[3]));
  }

  @Test
  void secretsStayOutOfToString() throws MlsException {
    byte[] joiner = bytes("4a4f494e4552");
    byte[] path = bytes("5041544853");
    GroupSecrets gs =
        new GroupSecrets(
            joiner,
            new PathSecret(path),
            List.of(PreSharedKeyId.external(new byte[] {1}, new byte[] {2})));
    String s = gs.toString() + new PathSecret(path);
    assertFalse(
        s.contains("JOINER") || s.contains("PATHS") || s.contains("4a4f") || s.contains("[B@"), s);
    byte[] enc = gs.toBytes();
    assertArrayEquals(enc, GroupSecrets.decode(enc).toBytes());
    GroupSecrets noPath = new GroupSecrets(joiner, null, List.of());
    assertArrayEquals(bytes("064a4f494e4552" + "00" + "00"), noPath.toBytes());
  }

  @Test
  void pskIdsAndLabelsRoundTrip() throws MlsException {
    PreSharedKeyId res =
        PreSharedKeyId.resumption(PreSharedKeyId.USAGE_BRANCH, GROUP, -1L, new byte[] {5});
    byte[] enc = new PskLabel(res, 1, 2).toBytes();
    assertArrayEquals(
        bytes("0203" + "03010203" + "ffffffffffffffff" + "0105" + "0001" + "0002"), enc);
    assertArrayEquals(enc, Wire.decode(enc, PskLabel::read, "PSKLabel").toBytes());
  }

  @Test
  void extensionViewsRoundTripAndCheckTheirType() throws MlsException {
    Extension pub = new ExternalPubExtension(new byte[] {1, 2, 3}).toExtension();
    assertEquals(Extension.EXTERNAL_PUB, pub.extensionType());
    assertArrayEquals(bytes("03010203"), pub.extensionData(), "a varint length, then the key");
    assertArrayEquals(new byte[] {1, 2, 3}, ExternalPubExtension.from(pub).externalPub());

    Extension senders =
        new ExternalSendersExtension(
                List.of(new ExternalSender(new byte[] {7}, Credential.basic(new byte[] {8}))))
            .toExtension();
    assertArrayEquals(bytes("06" + "0107" + "0001" + "0108"), senders.extensionData());
    assertEquals(1, ExternalSendersExtension.from(senders).externalSenders().size());

    Extension req =
        new RequiredCapabilitiesExtension(List.of(5), List.of(), List.of(1, 2)).toExtension();
    assertArrayEquals(bytes("020005" + "00" + "0400010002"), req.extensionData());
    assertEquals(List.of(1, 2), RequiredCapabilitiesExtension.from(req).credentialTypes());

    Extension app = new ApplicationIdExtension(new byte[] {4}).toExtension();
    assertArrayEquals(bytes("0104"), app.extensionData());

    MlsException wrongType = assertThrows(MlsException.class, () -> ExternalPubExtension.from(app));
    assertEquals(Reason.INVALID, wrongType.reason());
    MlsException trailing =
        assertThrows(
            MlsException.class,
            () ->
                ExternalPubExtension.from(new Extension(Extension.EXTERNAL_PUB, bytes("010200"))));
    assertEquals(Reason.MALFORMED, trailing.reason());

    assertEquals(pub, Extensions.find(List.of(app, pub), Extension.EXTERNAL_PUB));
    assertNull(Extensions.find(List.of(app), Extension.RATCHET_TREE));
    assertThrows(
        MlsException.class, () -> Extensions.checkNoDuplicates(List.of(app, pub, app), "test"));
    Extensions.checkNoDuplicates(List.of(app, pub), "test");
  }

  @Test
  void messageAccessorsRefuseTheWrongFormat() throws MlsException {
    PrivateMessage pm =
        new PrivateMessage(GROUP, 1, 1, new byte[0], new byte[] {1}, new byte[] {2});
    MlsMessage m = MlsMessage.of(pm);
    assertEquals(pm.toBytes().length + 4, m.toBytes().length);
    MlsException e = assertThrows(MlsException.class, m::welcome);
    assertEquals(Reason.INVALID, e.reason());
    assertArrayEquals(
        pm.contentAad().toBytes(), bytes("03010203" + "0000000000000001" + "01" + "00"));
    assertArrayEquals(pm.senderDataAad().toBytes(), bytes("03010203" + "0000000000000001" + "01"));
  }
}
