package io.agentwire.mls.internal.framing;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.AuthenticatedContentTbm;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.FramedContentAuthData;
import io.agentwire.mls.internal.message.FramedContentTbs;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PrivateContentAad;
import io.agentwire.mls.internal.message.PrivateMessage;
import io.agentwire.mls.internal.message.PrivateMessageContent;
import io.agentwire.mls.internal.message.PublicMessage;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.message.SenderData;
import io.agentwire.mls.internal.message.SenderDataAad;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.SecretTree.PendingKey;
import io.agentwire.mls.internal.schedule.SecretTree.RatchetType;
import io.agentwire.mls.internal.schedule.SenderDataKeys;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Message framing of RFC 9420 §6: signing framed content (§6.1), PublicMessage membership tags
 * (§6.2) and PrivateMessage encryption with the secret tree and the sender-data key (§6.3).
 *
 * <p>What this class checks on receipt: the membership tag (public), the AEADs, the sender data and
 * padding (private), and the framing rules that do not need group state: application data only in a
 * PrivateMessage, a PrivateMessage only from a member, external and new_member_proposal senders
 * only with proposals, new_member_commit only with a commit. It does not check the group id or
 * epoch against the group, whether a sender leaf is occupied, or the signature on receipt (the
 * caller does, with {@link #verifySignature} and the sender's key).
 *
 * <p>Stateless and thread-safe; the only state it touches is the {@link SecretTree} passed in,
 * which synchronizes itself. A receive that fails for any reason leaves the tree as it was.
 */
public final class Framing {

  /** The SignWithLabel label of a framed message's signature (§6.1). */
  public static final String SIGNATURE_LABEL = "FramedContentTBS";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Framing() {}

  /** Signs with the member's key: MlsIdentity::signWithLabel fits. */
  public interface Signer {
    byte[] signWithLabel(String label, byte[] content) throws MlsException;
  }

  /**
   * Called with the decrypted, membership-checked content; verifies the signature and more; its
   * exception aborts and leaves the secret tree unchanged.
   */
  public interface Acceptor<T> {
    T accept(AuthenticatedContent content) throws MlsException;
  }

  /**
   * §6.1: signs FramedContentTBS ("FramedContentTBS" label); confirmationTag non-null iff commit.
   * {@code context} is required for member and new_member_commit senders, ignored for others.
   *
   * @throws MlsException INVALID for a wire format other than public or private message, a framing
   *     rule broken (see the class comment) or a confirmation tag on non-commit content (or none on
   *     a commit); STATE if the group context is missing; whatever the signer throws
   */
  public static AuthenticatedContent sign(
      Suite suite,
      int wireFormat,
      FramedContent content,
      GroupContext context,
      Signer signer,
      byte[] confirmationTag)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(signer, "signer");
    checkFraming(wireFormat, content);
    if ((content.contentType() == FramedContent.COMMIT) != (confirmationTag != null)) {
      throw new MlsException(
          Reason.INVALID, "a confirmation tag is required for commits and only for them");
    }
    byte[] tbs = encode(tbs(wireFormat, content, context));
    byte[] signature = signer.signWithLabel(SIGNATURE_LABEL, tbs);
    if (signature == null) {
      throw new MlsException(Reason.STATE, "the signer returned no signature");
    }
    return new AuthenticatedContent(
        wireFormat,
        content,
        new FramedContentAuthData(
            signature.clone(), confirmationTag == null ? null : confirmationTag.clone()));
  }

  /**
   * §6.1 signature check with the sender's signature key (false on any malformed input, including a
   * missing group context for a member or new_member_commit sender).
   */
  public static boolean verifySignature(
      Suite suite, AuthenticatedContent content, GroupContext context, byte[] signatureKey) {
    try {
      int wf = content.wireFormat();
      if (wf != MlsMessage.PUBLIC_MESSAGE && wf != MlsMessage.PRIVATE_MESSAGE) {
        return false;
      }
      if (signatureKey == null
          || (content.content().sender().signsGroupContext() && context == null)) {
        return false;
      }
      byte[] tbs = tbs(wf, content.content(), context).toBytes();
      return suite.verifyWithLabel(signatureKey, SIGNATURE_LABEL, tbs, content.auth().signature());
    } catch (MlsException | RuntimeException e) {
      // A key or signature of the wrong shape is a failed verification, not an error.
      return false;
    }
  }

  /**
   * §6.2: PublicMessage; membership tag (MAC over AuthenticatedContentTBM) iff sender is a member.
   *
   * @throws MlsException INVALID for content not signed as a public message or breaking a framing
   *     rule (application data is never sent in public); STATE if a member sender's group context
   *     or membership key is missing
   */
  public static PublicMessage toPublic(
      Suite suite, AuthenticatedContent content, GroupContext context, byte[] membershipKey)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(content, "content");
    if (content.wireFormat() != MlsMessage.PUBLIC_MESSAGE) {
      throw new MlsException(Reason.INVALID, "content was signed for another wire format");
    }
    FramedContent fc = content.content();
    checkFraming(MlsMessage.PUBLIC_MESSAGE, fc);
    byte[] tag = null;
    if (fc.sender().isMember()) {
      requireMembershipKey(membershipKey);
      byte[] tbm =
          encode(
              new AuthenticatedContentTbm(
                  tbs(MlsMessage.PUBLIC_MESSAGE, fc, context), content.auth()));
      tag = suite.mac(membershipKey, tbm);
    }
    return new PublicMessage(fc, content.auth(), tag);
  }

  /**
   * §6.2 receive: verifies the membership tag for member senders (constant time; BAD_SIGNATURE or
   * INVALID reason), requires none for other senders; returns the AuthenticatedContent. Does not
   * check epoch/group id (the caller does) and does not verify the signature.
   *
   * @throws MlsException INVALID for a broken framing rule; BAD_SIGNATURE for a wrong membership
   *     tag; STATE if a member sender's group context or membership key is missing
   */
  public static AuthenticatedContent fromPublic(
      Suite suite, PublicMessage message, GroupContext context, byte[] membershipKey)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(message, "message");
    checkFraming(MlsMessage.PUBLIC_MESSAGE, message.content());
    if (message.content().sender().isMember()) {
      requireMembershipKey(membershipKey);
      requireContext(context);
      byte[] input;
      try {
        input = message.membershipTagInput(context);
      } catch (RuntimeException e) {
        throw new MlsException(Reason.MALFORMED, "message cannot be re-encoded");
      }
      if (!suite.verifyMac(membershipKey, input, message.membershipTag())) {
        throw new MlsException(Reason.BAD_SIGNATURE, "membership tag does not verify");
      }
    }
    return message.authenticatedContent();
  }

  /**
   * §6.3: encrypts with the sender's next key (handshake ratchet for proposal/commit, application
   * ratchet for application) from the secret tree, padding the content with zero bytes so the
   * PrivateMessageContent plaintext is a multiple of paddingBlock (0 = no padding); sender data
   * encrypted with the sender_data_secret keys (SenderDataKeys), random reuse guard XORed into the
   * nonce.
   *
   * <p>Every check and the whole plaintext come before the key is taken, so bad input never uses a
   * generation. The key comes from {@link SecretTree#sendKey}, which consumes it at once (the
   * tree's sender design: concurrent senders get distinct generations and a generation is never
   * handed out twice); only an AEAD failure after that could leave a generation unused, which
   * receivers skip over.
   *
   * @throws MlsException INVALID for content not signed as a private message, a non-member sender,
   *     a sender leaf outside the tree or a negative padding block; LIMIT_EXCEEDED for a plaintext
   *     too large to pad or encode, or a ratchet out of generations; STATE for a sender_data_secret
   *     of the wrong length or a destroyed tree
   */
  public static PrivateMessage toPrivate(
      Suite suite,
      AuthenticatedContent content,
      byte[] senderDataSecret,
      SecretTree tree,
      int paddingBlock)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(tree, "tree");
    if (content.wireFormat() != MlsMessage.PRIVATE_MESSAGE) {
      throw new MlsException(Reason.INVALID, "content was signed for another wire format");
    }
    FramedContent fc = content.content();
    checkFraming(MlsMessage.PRIVATE_MESSAGE, fc);
    requireSenderDataSecret(suite, senderDataSecret);
    if (paddingBlock < 0) {
      throw new MlsException(Reason.INVALID, "padding block " + paddingBlock);
    }
    int leaf = fc.sender().leafIndex();
    if (leaf < 0 || leaf >= tree.leafCount()) {
      throw new MlsException(Reason.INVALID, "sender leaf outside the secret tree");
    }
    byte[] plaintext = paddedPlaintext(fc, content.auth(), paddingBlock);
    byte[] contentAad =
        encode(
            new PrivateContentAad(
                fc.groupId(), fc.epoch(), fc.contentType(), fc.authenticatedData()));
    byte[] senderDataAad = encode(new SenderDataAad(fc.groupId(), fc.epoch(), fc.contentType()));
    byte[] guard = new byte[SenderData.REUSE_GUARD_LENGTH];
    RANDOM.nextBytes(guard);

    byte[] ciphertext;
    long generation;
    try (PendingKey k = tree.sendKey(leaf, ratchetFor(fc.contentType()))) {
      generation = k.generation();
      byte[] nonce = guarded(k.nonce(), guard);
      try {
        ciphertext = suite.seal(k.key(), nonce, contentAad, plaintext);
      } finally {
        Arrays.fill(nonce, (byte) 0);
        Arrays.fill(plaintext, (byte) 0);
      }
    }
    byte[] senderData = new SenderData(leaf, (int) generation, guard).toBytes();
    byte[] key = SenderDataKeys.key(suite, senderDataSecret, ciphertext);
    byte[] nonce = SenderDataKeys.nonce(suite, senderDataSecret, ciphertext);
    byte[] encryptedSenderData;
    try {
      encryptedSenderData = suite.seal(key, nonce, senderDataAad, senderData);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(nonce, (byte) 0);
    }
    return new PrivateMessage(
        fc.groupId(),
        fc.epoch(),
        fc.contentType(),
        fc.authenticatedData(),
        encryptedSenderData,
        ciphertext);
  }

  /**
   * §6.3.2 receive: decrypts the sender data (leaf must be < leafCount; the caller checks the leaf
   * is a member inside accept), takes the receive key for (leaf, generation), decrypts the content,
   * checks padding is all zero, rebuilds FramedContent (sender = member leaf) and
   * AuthenticatedContent (wire format private), calls accept, and commits the key only if accept
   * returned normally. Any failure: typed MlsException (DECRYPT_FAILED, MALFORMED...), no state
   * change (the same message may be retried, a different valid one still decrypts).
   *
   * <p>{@code accept} runs before the key is committed; if another receive on the same ratchet
   * commits in between, the commit fails with STATE after {@code accept} has run, so {@code accept}
   * should not change group state itself (or the caller serializes receives).
   *
   * @throws MlsException DECRYPT_FAILED if either AEAD fails (wrong epoch secrets, tampering);
   *     MALFORMED for undecodable sender data or content, or non-zero padding; INVALID for a sender
   *     leaf not below {@code leafCount}; LIMIT_EXCEEDED for a generation too far ahead;
   *     SECRET_CONSUMED for a replay or a deleted key; STATE for a sender_data_secret of the wrong
   *     length or a concurrent change; whatever {@code accept} throws
   */
  public static <T> T fromPrivate(
      Suite suite,
      PrivateMessage message,
      byte[] senderDataSecret,
      SecretTree tree,
      int leafCount,
      Acceptor<T> accept)
      throws MlsException {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(accept, "accept");
    requireSenderDataSecret(suite, senderDataSecret);

    SenderData sender = openSenderData(suite, message, senderDataSecret);
    int leaf = sender.leafIndex();
    if (leaf < 0 || leaf >= leafCount) {
      throw new MlsException(Reason.INVALID, "sender data names a leaf outside the tree");
    }
    long generation = Integer.toUnsignedLong(sender.generation());
    byte[] contentAad = encode(message.contentAad());
    try (PendingKey k = tree.receiveKey(leaf, ratchetFor(message.contentType()), generation)) {
      byte[] nonce = guarded(k.nonce(), sender.reuseGuard());
      byte[] plaintext;
      try {
        plaintext = suite.open(k.key(), nonce, contentAad, message.ciphertext());
      } finally {
        Arrays.fill(nonce, (byte) 0);
      }
      AuthenticatedContent content;
      try {
        PrivateMessageContent pmc = PrivateMessageContent.decode(plaintext, message.contentType());
        content =
            new AuthenticatedContent(
                MlsMessage.PRIVATE_MESSAGE,
                pmc.framedContent(message, Sender.member(leaf)),
                pmc.auth());
      } catch (RuntimeException e) {
        throw new MlsException(Reason.MALFORMED, "PrivateMessageContent does not decode");
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
      T result = accept.accept(content);
      k.commit();
      return result;
    }
  }

  private static SenderData openSenderData(
      Suite suite, PrivateMessage message, byte[] senderDataSecret) throws MlsException {
    byte[] key = SenderDataKeys.key(suite, senderDataSecret, message.ciphertext());
    byte[] nonce = SenderDataKeys.nonce(suite, senderDataSecret, message.ciphertext());
    byte[] plain;
    try {
      plain =
          suite.open(key, nonce, encode(message.senderDataAad()), message.encryptedSenderData());
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(nonce, (byte) 0);
    }
    try {
      return SenderData.decode(plain);
    } catch (RuntimeException e) {
      throw new MlsException(Reason.MALFORMED, "SenderData does not decode");
    }
  }

  /** The PrivateMessageContent encoding, zero-padded to a multiple of {@code block}. */
  private static byte[] paddedPlaintext(FramedContent fc, FramedContentAuthData auth, int block)
      throws MlsException {
    byte[] unpadded = encode(PrivateMessageContent.of(fc, auth, 0));
    long padding = block == 0 ? 0 : (block - unpadded.length % block) % block;
    // Leave room for the AEAD tag and the opaque length header on the wire.
    if (unpadded.length + padding > TlsWriter.MAX_VARINT - 64) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "padded PrivateMessageContent too large");
    }
    // Encoding with padding p is the unpadded encoding followed by p zero bytes.
    byte[] padded = Arrays.copyOf(unpadded, (int) (unpadded.length + padding));
    Arrays.fill(unpadded, (byte) 0);
    return padded;
  }

  private static RatchetType ratchetFor(int contentType) {
    return contentType == FramedContent.APPLICATION
        ? RatchetType.APPLICATION
        : RatchetType.HANDSHAKE;
  }

  /** The ratchet nonce with the reuse guard XORed into its first four bytes (§6.3.1). */
  private static byte[] guarded(byte[] nonce, byte[] guard) {
    byte[] n = nonce.clone();
    for (int i = 0; i < SenderData.REUSE_GUARD_LENGTH; i++) {
      n[i] ^= guard[i];
    }
    return n;
  }

  private static FramedContentTbs tbs(int wireFormat, FramedContent content, GroupContext context)
      throws MlsException {
    GroupContext c = null;
    if (content.sender().signsGroupContext()) {
      c = requireContext(context);
    }
    return new FramedContentTbs(MlsMessage.MLS10, wireFormat, content, c);
  }

  /**
   * The framing rules that need no group state: RFC 9420 §6 (sender types and the content they may
   * carry), §6.2 (no application data in public) and §6.3 (private messages from members only).
   */
  private static void checkFraming(int wireFormat, FramedContent content) throws MlsException {
    int type = content.contentType();
    int senderType = content.sender().senderType();
    if (wireFormat == MlsMessage.PRIVATE_MESSAGE) {
      if (senderType != Sender.MEMBER) {
        throw new MlsException(Reason.INVALID, "a PrivateMessage is sent by members only");
      }
      return;
    }
    if (wireFormat != MlsMessage.PUBLIC_MESSAGE) {
      throw new MlsException(Reason.INVALID, "wire format " + wireFormat + " frames no content");
    }
    if (type == FramedContent.APPLICATION) {
      throw new MlsException(Reason.INVALID, "application data is never sent as PublicMessage");
    }
    boolean ok;
    switch (senderType) {
      case Sender.MEMBER:
        ok = true;
        break;
      case Sender.EXTERNAL:
      case Sender.NEW_MEMBER_PROPOSAL:
        ok = type == FramedContent.PROPOSAL;
        break;
      default:
        ok = type == FramedContent.COMMIT;
    }
    if (!ok) {
      throw new MlsException(
          Reason.INVALID, "sender type " + senderType + " cannot send content type " + type);
    }
  }

  private static GroupContext requireContext(GroupContext context) throws MlsException {
    if (context == null) {
      throw new MlsException(Reason.STATE, "the group context is required for this sender");
    }
    return context;
  }

  private static void requireMembershipKey(byte[] membershipKey) throws MlsException {
    if (membershipKey == null) {
      throw new MlsException(Reason.STATE, "the membership key is required for member senders");
    }
  }

  private static void requireSenderDataSecret(Suite suite, byte[] secret) throws MlsException {
    if (secret == null || secret.length != suite.hashLength()) {
      throw new MlsException(Reason.STATE, "sender_data_secret is not Nh bytes");
    }
  }

  /** Encodes, turning a field too long for its length header into LIMIT_EXCEEDED. */
  private static byte[] encode(TlsWriter.Encodable value) throws MlsException {
    try {
      return value.toBytes();
    } catch (IllegalArgumentException e) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "a field is too long to encode");
    }
  }
}
