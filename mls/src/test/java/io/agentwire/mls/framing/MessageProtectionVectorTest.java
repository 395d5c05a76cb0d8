package io.agentwire.mls.framing;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.framing.Framing;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.FramedContentAuthData;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PrivateMessage;
import io.agentwire.mls.internal.message.PublicMessage;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.schedule.ScheduleVectors;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every case of message-protection.json (RFC 9420 §6), every suite: the given PublicMessages and
 * PrivateMessages unprotect to the given proposal, commit and application data from leaf 1 of a
 * two-member group and their signatures verify; protecting the same values again round-trips;
 * application data cannot be sent as a PublicMessage.
 */
class MessageProtectionVectorTest {

  /** One vector case's keys and group context. */
  private record Case(
      int id,
      Suite suite,
      GroupContext context,
      byte[] signaturePriv,
      byte[] signaturePub,
      byte[] encryptionSecret,
      byte[] senderDataSecret,
      byte[] membershipKey) {

    static Case of(JsonNode c, Suite suite) {
      int id = c.get("cipher_suite").asInt();
      GroupContext ctx =
          new GroupContext(
              MlsMessage.MLS10,
              id,
              hex(c.get("group_id")),
              c.get("epoch").asLong(),
              hex(c.get("tree_hash")),
              hex(c.get("confirmed_transcript_hash")),
              List.of());
      return new Case(
          id,
          suite,
          ctx,
          hex(c.get("signature_priv")),
          hex(c.get("signature_pub")),
          hex(c.get("encryption_secret")),
          hex(c.get("sender_data_secret")),
          hex(c.get("membership_key")));
    }

    SecretTree tree() throws MlsException {
      return new SecretTree(suite, encryptionSecret, 2, SecretTree.Limits.DEFAULT);
    }

    Framing.Signer signer() {
      return (label, content) -> suite.signWithLabel(signaturePriv, label, content);
    }
  }

  @Test
  void everyCase() throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    int ran = 0;
    for (JsonNode c : ScheduleVectors.load("message-protection.json")) {
      Suite suite = ScheduleVectors.suite(c.get("cipher_suite").asInt(), unsupported);
      if (suite == null) {
        continue;
      }
      Case k = Case.of(c, suite);
      for (String kind : new String[] {"proposal", "commit", "application"}) {
        byte[] raw = hex(c.get(kind));
        String where = "suite " + k.id() + " " + kind;
        if (!kind.equals("application")) {
          checkPublic(k, MlsMessage.decode(hex(c.get(kind + "_pub"))).publicMessage(), raw, where);
        } else {
          applicationIsNeverPublic(k, raw, where);
        }
        checkPrivate(k, MlsMessage.decode(hex(c.get(kind + "_priv"))).privateMessage(), raw, where);
        ran++;
      }
    }
    ScheduleVectors.report("message-protection.json", unsupported, ran);
  }

  private static byte[] body(FramedContent fc) {
    switch (fc.contentType()) {
      case FramedContent.APPLICATION:
        return fc.applicationData();
      case FramedContent.PROPOSAL:
        return fc.proposal().toBytes();
      default:
        return fc.commit().toBytes();
    }
  }

  private static void checkContent(Case k, AuthenticatedContent ac, byte[] raw, String where) {
    FramedContent fc = ac.content();
    assertEquals(Sender.member(1), fc.sender(), where);
    assertArrayEquals(k.context().groupId(), fc.groupId(), where);
    assertEquals(k.context().epoch(), fc.epoch(), where);
    assertArrayEquals(raw, body(fc), where);
    assertTrue(Framing.verifySignature(k.suite(), ac, k.context(), k.signaturePub()), where);
  }

  private static void checkPublic(Case k, PublicMessage pub, byte[] raw, String where)
      throws Exception {
    AuthenticatedContent ac = Framing.fromPublic(k.suite(), pub, k.context(), k.membershipKey());
    assertEquals(MlsMessage.PUBLIC_MESSAGE, ac.wireFormat(), where);
    checkContent(k, ac, raw, where);
    // Recomputing the tag reproduces the vector's PublicMessage byte for byte.
    PublicMessage again = Framing.toPublic(k.suite(), ac, k.context(), k.membershipKey());
    assertArrayEquals(pub.toBytes(), again.toBytes(), where);
    byte[] wrongKey = k.membershipKey().clone();
    wrongKey[0] ^= 1;
    MlsException e =
        assertThrows(
            MlsException.class, () -> Framing.fromPublic(k.suite(), pub, k.context(), wrongKey));
    assertEquals(MlsException.Reason.BAD_SIGNATURE, e.reason(), where);

    // Protect the raw value afresh, then unprotect it.
    FramedContent fc = pub.content();
    AuthenticatedContent signed =
        Framing.sign(
            k.suite(),
            MlsMessage.PUBLIC_MESSAGE,
            fc,
            k.context(),
            k.signer(),
            pub.auth().confirmationTag());
    PublicMessage out = Framing.toPublic(k.suite(), signed, k.context(), k.membershipKey());
    PublicMessage back = MlsMessage.decode(MlsMessage.of(out).toBytes()).publicMessage();
    checkContent(
        k, Framing.fromPublic(k.suite(), back, k.context(), k.membershipKey()), raw, where);
  }

  private static void applicationIsNeverPublic(Case k, byte[] raw, String where) {
    FramedContent fc =
        FramedContent.application(
            k.context().groupId(), k.context().epoch(), Sender.member(1), new byte[0], raw);
    MlsException e =
        assertThrows(
            MlsException.class,
            () ->
                Framing.sign(
                    k.suite(), MlsMessage.PUBLIC_MESSAGE, fc, k.context(), k.signer(), null));
    assertEquals(MlsException.Reason.INVALID, e.reason(), where);
    AuthenticatedContent forged =
        new AuthenticatedContent(
            MlsMessage.PUBLIC_MESSAGE, fc, new FramedContentAuthData(new byte[64], null));
    e =
        assertThrows(
            MlsException.class,
            () -> Framing.toPublic(k.suite(), forged, k.context(), k.membershipKey()));
    assertEquals(MlsException.Reason.INVALID, e.reason(), where);
  }

  private static void checkPrivate(Case k, PrivateMessage priv, byte[] raw, String where)
      throws Exception {
    SecretTree tree = k.tree();
    AuthenticatedContent ac =
        Framing.fromPrivate(k.suite(), priv, k.senderDataSecret(), tree, 2, x -> x);
    assertEquals(MlsMessage.PRIVATE_MESSAGE, ac.wireFormat(), where);
    checkContent(k, ac, raw, where);
    // The key is consumed: the same message again is a replay.
    MlsException e =
        assertThrows(
            MlsException.class,
            () -> Framing.fromPrivate(k.suite(), priv, k.senderDataSecret(), tree, 2, x -> x));
    assertEquals(MlsException.Reason.SECRET_CONSUMED, e.reason(), where);
    tree.destroy();

    // Protect the raw value with a sender's tree, unprotect with a fresh receiver's tree.
    AuthenticatedContent signed =
        Framing.sign(
            k.suite(),
            MlsMessage.PRIVATE_MESSAGE,
            ac.content(),
            k.context(),
            k.signer(),
            ac.auth().confirmationTag());
    SecretTree sender = k.tree();
    SecretTree receiver = k.tree();
    for (int block : new int[] {0, 1, 32}) {
      PrivateMessage out =
          Framing.toPrivate(k.suite(), signed, k.senderDataSecret(), sender, block);
      PrivateMessage back = MlsMessage.decode(MlsMessage.of(out).toBytes()).privateMessage();
      AuthenticatedContent got =
          Framing.fromPrivate(k.suite(), back, k.senderDataSecret(), receiver, 2, x -> x);
      checkContent(k, got, raw, where + " padding " + block);
      assertArrayEquals(signed.toBytes(), got.toBytes(), where);
      assertFalse(
          Framing.verifySignature(k.suite(), got, otherEpoch(k.context()), k.signaturePub()),
          where);
    }
    sender.destroy();
    receiver.destroy();
  }

  private static GroupContext otherEpoch(GroupContext c) {
    return new GroupContext(
        c.version(),
        c.cipherSuite(),
        c.groupId(),
        c.epoch() + 1,
        c.treeHash(),
        c.confirmedTranscriptHash(),
        c.extensions());
  }
}
