package io.agentwire.mls.internal.group;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.GroupEpoch;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Member;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.MlsExtension;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.MlsPolicy;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.framing.Framing;
import io.agentwire.mls.internal.message.AddProposal;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.Extension;
import io.agentwire.mls.internal.message.Extensions;
import io.agentwire.mls.internal.message.ExternalInitProposal;
import io.agentwire.mls.internal.message.ExternalPubExtension;
import io.agentwire.mls.internal.message.ExternalSender;
import io.agentwire.mls.internal.message.ExternalSendersExtension;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.FramedContentAuthData;
import io.agentwire.mls.internal.message.GroupContext;
import io.agentwire.mls.internal.message.GroupContextExtensionsProposal;
import io.agentwire.mls.internal.message.GroupInfo;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Lifetime;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PreSharedKeyId;
import io.agentwire.mls.internal.message.PreSharedKeyProposal;
import io.agentwire.mls.internal.message.PrivateMessage;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.ProposalOrRef;
import io.agentwire.mls.internal.message.PublicMessage;
import io.agentwire.mls.internal.message.RatchetTreeExtension;
import io.agentwire.mls.internal.message.ReInitProposal;
import io.agentwire.mls.internal.message.RemoveProposal;
import io.agentwire.mls.internal.message.Sender;
import io.agentwire.mls.internal.message.UpdatePath;
import io.agentwire.mls.internal.message.UpdateProposal;
import io.agentwire.mls.internal.message.Welcome;
import io.agentwire.mls.internal.message.Wire;
import io.agentwire.mls.internal.schedule.EpochSecrets;
import io.agentwire.mls.internal.schedule.KeySchedule;
import io.agentwire.mls.internal.schedule.PskSecret;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.TranscriptHashes;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.PrivateTree;
import io.agentwire.mls.internal.tree.RatchetTree;
import io.agentwire.mls.internal.tree.TreeKem;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The group state machine behind {@link io.agentwire.mls.MlsGroup} (RFC 9420 §8–§14): holds the
 * current epoch's {@link GroupState}, the proposals cached in it, at most one pending commit and a
 * bounded window of past epochs for late application messages. Every operation computes the next
 * state on copies and swaps it in only when it fully succeeded. Not thread-safe: MlsGroup locks.
 */
public final class GroupEngine {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Proposals cached per epoch (§12.1); more are refused so a sender cannot grow our memory. */
  static final int MAX_CACHED_PROPOSALS = 1024;

  /** Proposals one commit may carry. */
  static final int MAX_COMMIT_PROPOSALS = 1 << 16;

  private static final int SNAPSHOT_FORMAT = 1;

  private final Suite suite;
  private final MlsIdentity identity;
  private final MlsGroupConfig config;
  private final MlsPolicy policy;
  private final SecretTree.Limits limits;

  private GroupState state;

  /** Past epochs, newest first, at most {@code config.pastEpochs()}. */
  private final ArrayDeque<GroupState> past = new ArrayDeque<>();

  private final LinkedHashMap<ByteBuffer, Cached> proposals = new LinkedHashMap<>();

  /** Leaf private keys of this member's own Update proposals of this epoch, by reference. */
  private final Map<ByteBuffer, byte[]> ownUpdateKeys = new LinkedHashMap<>();

  private Pending pending;
  private boolean active = true;
  private boolean reInitialized;

  private record Cached(byte[] reference, Proposal proposal, Sender sender) {}

  private record Pending(
      PendingCommit commit, GroupState next, ProcessResult.CommitApplied result) {}

  /** The result of an external join. */
  public record ExternalJoinResult(GroupEngine engine, byte[] commitMessage) {}

  private GroupEngine(Suite suite, MlsIdentity identity, MlsGroupConfig config, GroupState state) {
    this.suite = suite;
    this.identity = identity;
    this.config = config;
    this.policy = config.policy();
    this.limits = limits(config);
    this.state = state;
  }

  private static SecretTree.Limits limits(MlsGroupConfig config) {
    return new SecretTree.Limits(
        config.maxGenerationGap(),
        SecretTree.Limits.DEFAULT.maxSkippedPerLeaf(),
        SecretTree.Limits.DEFAULT.maxSkippedTotal());
  }

  // ---------------------------------------------------------------------------------------------
  // KeyPackages and group creation (§10, §11)

  public static KeyPackageBundle createKeyPackage(
      Suite suite, MlsIdentity identity, MlsGroupConfig config) throws MlsException {
    Suite.KeyPair init = suite.generateHpkeKeyPair();
    Suite.KeyPair enc = suite.generateHpkeKeyPair();
    LeafNode leaf = keyPackageLeaf(suite, identity, config, enc.publicKey());
    KeyPackage unsigned =
        new KeyPackage(
            MlsMessage.MLS10, suite.suite().id(), init.publicKey(), leaf, List.of(), new byte[0]);
    KeyPackage kp =
        unsigned.withSignature(identity.signWithLabel("KeyPackageTBS", unsigned.toBeSigned()));
    KeyPackageBundle b =
        new KeyPackageBundle(
            suite.suite(),
            MlsMessage.of(kp).toBytes(),
            Leaves.keyPackageRef(suite, kp),
            init.privateKey(),
            enc.privateKey());
    Arrays.fill(init.privateKey(), (byte) 0);
    Arrays.fill(enc.privateKey(), (byte) 0);
    return b;
  }

  private static LeafNode keyPackageLeaf(
      Suite suite, MlsIdentity identity, MlsGroupConfig config, byte[] encryptionKey)
      throws MlsException {
    long now = System.currentTimeMillis() / 1000;
    Lifetime lt = new Lifetime(Math.max(0, now - 3600), now + config.keyPackageLifetimeSeconds());
    LeafNode unsigned =
        Leaves.unsignedLeaf(
            suite,
            identity,
            encryptionKey,
            LeafNode.KEY_PACKAGE,
            lt,
            null,
            Leaves.capabilities(suite.suite()),
            List.of());
    return Leaves.sign(identity, unsigned, null, 0);
  }

  public static GroupEngine create(
      Suite suite, byte[] groupId, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    Suite.KeyPair enc = suite.generateHpkeKeyPair();
    LeafNode leaf = keyPackageLeaf(suite, identity, config, enc.publicKey());
    List<Extension> extensions = Leaves.toWire(config.groupExtensions());
    Extensions.checkNoDuplicates(extensions, "GroupContext");
    if (!Leaves.supports(leaf.capabilities(), Leaves.requiredCapabilities(extensions))
        || !Leaves.supportsExtensions(leaf.capabilities(), extensions)) {
      throw Leaves.invalid("this member does not support the group's extensions");
    }
    RatchetTree tree = RatchetTree.create(suite, leaf);
    GroupContext ctx =
        new GroupContext(
            MlsMessage.MLS10,
            suite.suite().id(),
            groupId,
            0,
            tree.treeHash(),
            new byte[0],
            extensions);
    byte[] init = new byte[suite.hashLength()];
    RANDOM.nextBytes(init);
    EpochSecrets secrets =
        KeySchedule.fromInit(
            suite, init, KeySchedule.zero(suite), KeySchedule.zero(suite), ctx.toBytes());
    Arrays.fill(init, (byte) 0);
    byte[] tag = secrets.confirmationTag(new byte[0]);
    LeafIndex self = LeafIndex.of(0);
    PrivateTree priv = new PrivateTree(self, enc.privateKey(), enc.publicKey());
    Arrays.fill(enc.privateKey(), (byte) 0);
    GroupState st = GroupState.of(suite, ctx, tree, priv, secrets, tag, self, limits(config));
    return new GroupEngine(suite, identity, config, st);
  }

  // ---------------------------------------------------------------------------------------------
  // Joining from a Welcome (§12.4.3.1)

  public static GroupEngine join(
      Suite suite,
      byte[] welcome,
      byte[] ratchetTree,
      KeyPackageStore store,
      MlsIdentity identity,
      MlsGroupConfig config)
      throws MlsException {
    Welcome w = decodeWelcome(welcome);
    if (w.cipherSuite() != suite.suite().id()) {
      throw Leaves.invalid("the Welcome is for cipher suite " + w.cipherSuite());
    }
    KeyPackageBundle bundle = null;
    byte[] ref = null;
    for (var s : w.secrets()) {
      Optional<KeyPackageBundle> found = store.find(s.newMember());
      if (found.isPresent()) {
        bundle = found.get();
        ref = s.newMember();
        break;
      }
    }
    if (bundle == null) {
      throw Leaves.invalid("the Welcome is for none of this member's KeyPackages");
    }
    KeyPackage kp = decodeKeyPackage(bundle.keyPackage());
    byte[][] pskSecret = new byte[1][];
    byte[] initKey = bundle.initPrivateKey();
    Welcomes.Opened opened = null;
    // One finally for both phases: a failure after the PSK callback ran (say, the GroupInfo does
    // not decrypt) must still wipe the PSK secret.
    try {
      opened = openWelcome(suite, w, ref, initKey, config, pskSecret);
      return joinOpened(
          suite, opened, pskSecret[0], kp, bundle, ratchetTree, store, identity, config);
    } finally {
      Arrays.fill(initKey, (byte) 0);
      if (opened != null) {
        Welcomes.wipeSecrets(opened.secrets());
      }
      if (pskSecret[0] != null) {
        Arrays.fill(pskSecret[0], (byte) 0);
      }
    }
  }

  private static Welcomes.Opened openWelcome(
      Suite suite, Welcome w, byte[] ref, byte[] initKey, MlsGroupConfig config, byte[][] pskSecret)
      throws MlsException {
    return Welcomes.open(
        suite,
        w,
        ref,
        initKey,
        ids -> {
          List<PskSecret.Input> inputs = new ArrayList<>();
          try {
            for (PreSharedKeyId id : ids) {
              if (id.pskType() != PreSharedKeyId.EXTERNAL) {
                throw new MlsException(
                    Reason.UNSUPPORTED, "a Welcome's resumption PSK needs the old group");
              }
              inputs.add(
                  new PskSecret.Input(
                      id.toBytes(), CommitPlan.externalPsk(config.pskStore(), id.pskId())));
            }
            byte[] s = PskSecret.compute(suite, inputs);
            pskSecret[0] = s.clone();
            return s;
          } finally {
            for (PskSecret.Input in : inputs) {
              Arrays.fill(in.psk(), (byte) 0);
            }
          }
        });
  }

  private static GroupEngine joinOpened(
      Suite suite,
      Welcomes.Opened opened,
      byte[] psk,
      KeyPackage kp,
      KeyPackageBundle bundle,
      byte[] ratchetTree,
      KeyPackageStore store,
      MlsIdentity identity,
      MlsGroupConfig config)
      throws MlsException {
    byte[] pskSecret = psk != null ? psk : KeySchedule.zero(suite);
    GroupInfo gi = opened.groupInfo();
    GroupContext ctx = gi.groupContext();
    RatchetTree tree = treeOf(suite, gi, ratchetTree);
    verifyGroupInfo(suite, config, gi, tree, 0);
    byte[] kpLeaf = kp.leafNode().toBytes();
    LeafIndex self = tree.findLeaf(l -> Arrays.equals(l.toBytes(), kpLeaf));
    if (self == null) {
      throw Leaves.invalid("this member's leaf is not in the Welcome's tree");
    }
    if (!Leaves.supports(
            kp.leafNode().capabilities(), Leaves.requiredCapabilities(ctx.extensions()))
        || !Leaves.supportsExtensions(kp.leafNode().capabilities(), ctx.extensions())) {
      throw Leaves.invalid("this member does not support the group's extensions");
    }
    EpochSecrets secrets =
        KeySchedule.fromJoiner(suite, opened.secrets().joinerSecret(), pskSecret, ctx.toBytes());
    if (!secrets.verifyConfirmationTag(ctx.confirmedTranscriptHash(), gi.confirmationTag())) {
      secrets.destroy();
      throw new MlsException(Reason.BAD_SIGNATURE, "the Welcome's confirmation tag is wrong");
    }
    byte[] pathSecret =
        opened.secrets().pathSecret() == null ? null : opened.secrets().pathSecret().pathSecret();
    byte[] leafKey = bundle.encryptionPrivateKey();
    PrivateTree priv;
    try {
      priv =
          PrivateTree.forJoiner(suite, tree, self, leafKey, LeafIndex.of(gi.signer()), pathSecret);
    } catch (MlsException | RuntimeException e) {
      secrets.destroy();
      throw e;
    } finally {
      Arrays.fill(leafKey, (byte) 0);
    }
    GroupState st =
        GroupState.of(suite, ctx, tree, priv, secrets, gi.confirmationTag(), self, limits(config));
    store.remove(bundle.reference());
    return new GroupEngine(suite, identity, config, st);
  }

  private static RatchetTree treeOf(Suite suite, GroupInfo gi, byte[] ratchetTree)
      throws MlsException {
    Extension ext = Extensions.find(gi.extensions(), Extension.RATCHET_TREE);
    if (ext != null) {
      return RatchetTree.fromNodes(suite, RatchetTreeExtension.from(ext).nodes());
    }
    if (ratchetTree == null) {
      throw Leaves.invalid("no ratchet tree: the GroupInfo has no ratchet_tree extension");
    }
    return RatchetTree.decode(suite, ratchetTree);
  }

  /** The checks of a GroupInfo and its tree a joiner makes (§12.4.3.1, §12.4.3.2). */
  private static void verifyGroupInfo(
      Suite suite, MlsGroupConfig config, GroupInfo gi, RatchetTree tree, int joining)
      throws MlsException {
    MlsPolicy policy = config.policy();
    int members = tree.memberCount();
    if (members + joining > config.maxMembers()) {
      throw new MlsException(
          Reason.LIMIT_EXCEEDED,
          "the group has "
              + members
              + " members, over this member's limit of "
              + config.maxMembers()
              + " (MlsGroupConfig.maxMembers)");
    }
    GroupContext ctx = gi.groupContext();
    if (ctx.version() != MlsMessage.MLS10 || ctx.cipherSuite() != suite.suite().id()) {
      throw Leaves.invalid("the GroupInfo is for another version or cipher suite");
    }
    if (!MessageDigest.isEqual(tree.treeHash(), ctx.treeHash())) {
      throw Leaves.invalid("the ratchet tree does not match the GroupInfo's tree hash");
    }
    tree.validate(ctx.groupId());
    if (gi.signer() < 0 || gi.signer() >= tree.leafCount()) {
      throw Leaves.invalid("the GroupInfo's signer is not a member");
    }
    LeafNode signer = tree.leafNode(LeafIndex.of(gi.signer()));
    if (signer == null) {
      throw Leaves.invalid("the GroupInfo's signer is not a member");
    }
    if (!suite.verifyWithLabel(
        signer.signatureKey(), "GroupInfoTBS", gi.toBeSigned(), gi.signature())) {
      throw new MlsException(Reason.BAD_SIGNATURE, "GroupInfo signature");
    }
    for (LeafIndex li : tree.members()) {
      Leaves.authenticate(suite, policy, tree.leafNode(li));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Joining by external commit (§12.4.3.2)

  public static ExternalJoinResult joinExternal(
      Suite suite,
      byte[] groupInfo,
      byte[] ratchetTree,
      MlsIdentity identity,
      MlsGroupConfig config,
      boolean resync)
      throws MlsException {
    GroupInfo gi = decodeGroupInfo(groupInfo);
    RatchetTree tree = treeOf(suite, gi, ratchetTree);
    verifyGroupInfo(suite, config, gi, tree, resync ? 0 : 1);
    GroupContext ctx = gi.groupContext();
    Extension pubExt = Extensions.find(gi.extensions(), Extension.EXTERNAL_PUB);
    if (pubExt == null) {
      throw Leaves.invalid("the GroupInfo has no external_pub extension");
    }
    byte[] externalPub = ExternalPubExtension.from(pubExt).externalPub();
    Suite.HpkeExported ex = KeySchedule.externalInitSender(suite, externalPub);
    byte[] interim =
        TranscriptHashes.interim(suite, ctx.confirmedTranscriptHash(), gi.confirmationTag());
    // A stand-in for the epoch the joiner does not hold: only its context, tree and interim
    // transcript hash are used.
    GroupState old =
        new GroupState(suite, ctx, tree, null, null, null, interim, gi.confirmationTag(), null);
    List<CommitPlan.Resolved> in = new ArrayList<>();
    in.add(
        new CommitPlan.Resolved(
            new ExternalInitProposal(ex.kemOutput()), Sender.newMemberCommit(), null));
    byte[] myId = Leaves.authenticate(suite, config.policy(), ownLeafTemplate(suite, identity));
    if (resync) {
      LeafIndex oldLeaf = null;
      for (LeafIndex li : tree.members()) {
        byte[] id = Leaves.authenticate(suite, config.policy(), tree.leafNode(li));
        if (config.policy().sameAgent(id, myId)) {
          oldLeaf = li;
          break;
        }
      }
      if (oldLeaf == null) {
        throw Leaves.invalid("resync: no leaf of this member's identity is in the group");
      }
      in.add(
          new CommitPlan.Resolved(
              new RemoveProposal(oldLeaf.value()), Sender.newMemberCommit(), null));
    }
    CommitPlan plan =
        CommitPlan.build(
            old,
            config.policy(),
            in,
            null,
            false,
            id -> {
              throw Leaves.invalid("an external joiner holds no PSKs");
            });
    RatchetTree next = plan.tree;
    Suite.KeyPair placeholderKeys = suite.generateHpkeKeyPair();
    LeafNode placeholder =
        Leaves.unsignedLeaf(
            suite,
            identity,
            placeholderKeys.publicKey(),
            LeafNode.COMMIT,
            null,
            new byte[0],
            Leaves.capabilities(suite.suite()),
            List.of());
    LeafIndex self = next.addLeaf(placeholder);
    byte[] groupId = ctx.groupId();
    TreeKem.Created created =
        TreeKem.create(
            next,
            self,
            (encKey, parentHash) ->
                Leaves.sign(
                    identity,
                    Leaves.unsignedLeaf(
                        suite,
                        identity,
                        encKey,
                        LeafNode.COMMIT,
                        null,
                        parentHash,
                        Leaves.capabilities(suite.suite()),
                        List.of()),
                    groupId,
                    self.value()));
    try {
      GroupContext provisional =
          nextContext(ctx, next.treeHash(), ctx.confirmedTranscriptHash(), plan.extensions);
      UpdatePath path = created.encrypt(provisional.toBytes(), Set.of());
      Commit commit = new Commit(plan.proposals, path);
      FramedContent fc =
          FramedContent.commit(groupId, ctx.epoch(), Sender.newMemberCommit(), new byte[0], commit);
      Built built =
          finishCommit(
              suite,
              old,
              fc,
              MlsMessage.PUBLIC_MESSAGE,
              identity::signWithLabel,
              next,
              plan.extensions,
              ex.secret(),
              created.commitSecret(),
              KeySchedule.zero(suite));
      PublicMessage pm = Framing.toPublic(suite, built.content, ctx, null);
      GroupState st =
          GroupState.of(
              suite,
              built.context,
              next,
              created.privateTree(),
              built.secrets,
              built.content.auth().confirmationTag(),
              self,
              limits(config));
      GroupEngine engine = new GroupEngine(suite, identity, config, st);
      return new ExternalJoinResult(engine, MlsMessage.of(pm).toBytes());
    } finally {
      created.wipe();
      Arrays.fill(ex.secret(), (byte) 0);
    }
  }

  /** A leaf with this member's credential and signature key, for asking the policy who we are. */
  private static LeafNode ownLeafTemplate(Suite suite, MlsIdentity identity) {
    return Leaves.unsignedLeaf(
        suite,
        identity,
        new byte[] {0},
        LeafNode.UPDATE,
        null,
        null,
        Leaves.capabilities(suite.suite()),
        List.of());
  }

  private static GroupContext nextContext(
      GroupContext old, byte[] treeHash, byte[] confirmed, List<Extension> extensions) {
    return new GroupContext(
        old.version(),
        old.cipherSuite(),
        old.groupId(),
        old.epoch() + 1,
        treeHash,
        confirmed,
        extensions);
  }

  /** A signed commit with its confirmation tag, and the epoch it leads to. */
  private record Built(AuthenticatedContent content, GroupContext context, EpochSecrets secrets) {}

  /**
   * Signs the commit, then derives the confirmed transcript hash, the new GroupContext, the key
   * schedule and the confirmation tag (§8.1, §8.2, §12.4.1): the signature does not cover the tag.
   */
  private static Built finishCommit(
      Suite suite,
      GroupState old,
      FramedContent fc,
      int wireFormat,
      Framing.Signer signer,
      RatchetTree next,
      List<Extension> extensions,
      byte[] initSecret,
      byte[] commitSecret,
      byte[] pskSecret)
      throws MlsException {
    AuthenticatedContent signed =
        Framing.sign(suite, wireFormat, fc, old.context, signer, new byte[suite.hashLength()]);
    byte[] confirmed =
        TranscriptHashes.confirmed(
            suite, old.interimTranscriptHash, signed.confirmedTranscriptHashInput());
    GroupContext ctx = nextContext(old.context, next.treeHash(), confirmed, extensions);
    EpochSecrets secrets =
        KeySchedule.fromInit(suite, initSecret, commitSecret, pskSecret, ctx.toBytes());
    byte[] tag = secrets.confirmationTag(confirmed);
    AuthenticatedContent ac =
        new AuthenticatedContent(
            wireFormat, fc, new FramedContentAuthData(signed.auth().signature(), tag));
    return new Built(ac, ctx, secrets);
  }

  // ---------------------------------------------------------------------------------------------
  // Views

  public CipherSuite cipherSuite() {
    return suite.suite();
  }

  public byte[] groupId() {
    return state.groupId().clone();
  }

  public long epoch() {
    return state.epoch();
  }

  public GroupEpoch epochInfo() {
    return new GroupEpoch(
        state.groupId().clone(),
        state.epoch(),
        suite.suite(),
        state.context.treeHash().clone(),
        state.context.confirmedTranscriptHash().clone(),
        Leaves.fromWire(state.context.extensions()),
        members(),
        state.self.value(),
        state.secrets.epochAuthenticator());
  }

  public int ownLeafIndex() {
    return state.self.value();
  }

  public List<Member> members() {
    List<Member> out = new ArrayList<>();
    for (LeafIndex li : state.tree.members()) {
      out.add(Leaves.memberOf(suite, policy, state.tree.leafNode(li), li.value()));
    }
    return List.copyOf(out);
  }

  public boolean isActive() {
    return active;
  }

  public byte[] exportSecret(String label, byte[] context, int length) throws MlsException {
    return state.secrets.export(label, context, length);
  }

  public byte[] epochAuthenticator() {
    return state.secrets.epochAuthenticator();
  }

  public byte[] ratchetTree() {
    return state.tree.encode();
  }

  public byte[] groupInfo(boolean includeRatchetTree) throws MlsException {
    requireActive();
    return MlsMessage.of(signedGroupInfo(state, includeRatchetTree, true)).toBytes();
  }

  private GroupInfo signedGroupInfo(GroupState st, boolean includeTree, boolean externalPub)
      throws MlsException {
    List<Extension> exts = new ArrayList<>();
    if (externalPub) {
      exts.add(new ExternalPubExtension(st.secrets.externalKeyPair().publicKey()).toExtension());
    }
    if (includeTree) {
      exts.add(new RatchetTreeExtension(st.tree.toNodes()).toExtension());
    }
    GroupInfo unsigned =
        new GroupInfo(st.context, exts, st.confirmationTag, st.self.value(), new byte[0]);
    return unsigned.withSignature(identity.signWithLabel("GroupInfoTBS", unsigned.toBeSigned()));
  }

  // ---------------------------------------------------------------------------------------------
  // Proposals (§12.1)

  private void requireActive() throws MlsException {
    if (!active) {
      throw new MlsException(Reason.REMOVED, "this member was removed from the group");
    }
    if (reInitialized) {
      throw new MlsException(
          Reason.STATE, "the group was reinitialized; continue in the new group");
    }
  }

  private int handshakeFormat() {
    return config.handshakeFormat() == MlsGroupConfig.HandshakeFormat.PRIVATE_MESSAGE
        ? MlsMessage.PRIVATE_MESSAGE
        : MlsMessage.PUBLIC_MESSAGE;
  }

  private byte[] propose(Proposal p) throws MlsException {
    requireActive();
    if (proposals.size() >= MAX_CACHED_PROPOSALS) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "too many proposals cached in this epoch");
    }
    int wf = handshakeFormat();
    FramedContent fc =
        FramedContent.proposal(
            state.groupId(), state.epoch(), Sender.member(state.self.value()), new byte[0], p);
    AuthenticatedContent ac =
        Framing.sign(suite, wf, fc, state.context, identity::signWithLabel, null);
    byte[] ref = proposalRef(ac);
    byte[] msg = frame(state, ac, SecretTree.RatchetType.HANDSHAKE);
    proposals.put(ByteBuffer.wrap(ref), new Cached(ref, p, fc.sender()));
    return msg;
  }

  private byte[] proposalRef(AuthenticatedContent ac) {
    return suite.refHash("MLS 1.0 Proposal Reference", ac.toBytes());
  }

  /** Frames signed content as this member's MLSMessage in {@code st}'s epoch. */
  private byte[] frame(GroupState st, AuthenticatedContent ac, SecretTree.RatchetType type)
      throws MlsException {
    if (ac.wireFormat() == MlsMessage.PUBLIC_MESSAGE) {
      return MlsMessage.of(Framing.toPublic(suite, ac, st.context, st.secrets.membershipKey()))
          .toBytes();
    }
    checkLease(st, type);
    PrivateMessage pm =
        Framing.toPrivate(
            suite, ac, st.secrets.senderDataSecret(), st.secretTree, config.paddingBlock());
    return MlsMessage.of(pm).toBytes();
  }

  private void checkLease(GroupState st, SecretTree.RatchetType type) throws MlsException {
    long end = st.leaseEnd[type.ordinal()];
    if (end >= 0 && st.secretTree.nextGeneration(st.self.value(), type) >= end) {
      throw new MlsException(
          Reason.STATE,
          "the latest snapshot's generation lease is used up: take a new snapshot() first");
    }
  }

  public byte[] proposeAdd(byte[] keyPackage) throws MlsException {
    KeyPackage kp = decodeKeyPackage(keyPackage);
    Leaves.validateKeyPackage(suite, kp, System.currentTimeMillis() / 1000);
    Leaves.validateLeaf(suite, policy, kp.leafNode(), LeafNode.KEY_PACKAGE, null, -1);
    return propose(new AddProposal(kp));
  }

  public byte[] proposeRemove(int leafIndex) throws MlsException {
    requireMember(leafIndex);
    return propose(new RemoveProposal(leafIndex));
  }

  private void requireMember(int leafIndex) throws MlsException {
    if (leafIndex < 0
        || leafIndex >= state.tree.leafCount()
        || state.tree.leafNode(LeafIndex.of(leafIndex)) == null) {
      throw Leaves.invalid("leaf " + leafIndex + " is not a member");
    }
  }

  public byte[] proposeUpdate() throws MlsException {
    requireActive();
    Suite.KeyPair enc = suite.generateHpkeKeyPair();
    LeafNode current = state.tree.leafNode(state.self);
    LeafNode leaf =
        Leaves.sign(
            identity,
            Leaves.unsignedLeaf(
                suite,
                identity,
                enc.publicKey(),
                LeafNode.UPDATE,
                null,
                null,
                current.capabilities(),
                current.extensions()),
            state.groupId(),
            state.self.value());
    byte[] msg = propose(new UpdateProposal(leaf));
    // The newest cached proposal is this Update.
    Cached mine = null;
    for (Cached c : proposals.values()) {
      mine = c;
    }
    ownUpdateKeys.put(ByteBuffer.wrap(mine.reference()), enc.privateKey());
    return msg;
  }

  public byte[] proposeExternalPsk(byte[] pskId) throws MlsException {
    CommitPlan.externalPsk(config.pskStore(), pskId);
    return propose(new PreSharedKeyProposal(PreSharedKeyId.external(pskId, nonce())));
  }

  public byte[] proposeResumptionPsk(long epoch) throws MlsException {
    resumptionPsk(epoch);
    return propose(
        new PreSharedKeyProposal(
            PreSharedKeyId.resumption(
                PreSharedKeyId.USAGE_APPLICATION, state.groupId(), epoch, nonce())));
  }

  public byte[] proposeGroupContextExtensions(List<MlsExtension> extensions) throws MlsException {
    List<Extension> exts = Leaves.toWire(extensions);
    Extensions.checkNoDuplicates(exts, "GroupContextExtensions");
    return propose(new GroupContextExtensionsProposal(exts));
  }

  private byte[] nonce() {
    byte[] n = new byte[suite.hashLength()];
    RANDOM.nextBytes(n);
    return n;
  }

  private byte[] resumptionPsk(long epoch) throws MlsException {
    if (epoch == state.epoch()) {
      return state.secrets.resumptionPsk();
    }
    for (GroupState p : past) {
      if (p.epoch() == epoch) {
        return p.secrets.resumptionPsk();
      }
    }
    throw Leaves.invalid("the resumption PSK of epoch " + epoch + " is not held");
  }

  private byte[] lookupPsk(PreSharedKeyId id) throws MlsException {
    if (id.pskType() == PreSharedKeyId.EXTERNAL) {
      return CommitPlan.externalPsk(config.pskStore(), id.pskId());
    }
    if (!MessageDigest.isEqual(id.pskGroupId(), state.groupId())) {
      throw Leaves.invalid("a resumption PSK of another group");
    }
    return resumptionPsk(id.pskEpoch());
  }

  public void clearPendingProposals() {
    proposals.clear();
    wipeOwnUpdateKeys();
  }

  private void wipeOwnUpdateKeys() {
    for (byte[] k : ownUpdateKeys.values()) {
      Arrays.fill(k, (byte) 0);
    }
    ownUpdateKeys.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Commits (§12.4)

  public PendingCommit commit(CommitRequest request) throws MlsException {
    requireActive();
    if (pending != null) {
      throw new MlsException(
          Reason.STATE, "a commit is pending: merge or discard it before making another");
    }
    GroupState st = state;
    LeafIndex self = st.self;
    List<CommitPlan.Resolved> in = new ArrayList<>();
    if (request.includePending) {
      for (Cached c : proposals.values()) {
        in.add(new CommitPlan.Resolved(c.proposal(), c.sender(), c.reference()));
      }
    }
    Sender me = Sender.member(self.value());
    for (byte[] kpBytes : request.addKeyPackages) {
      in.add(new CommitPlan.Resolved(new AddProposal(decodeKeyPackage(kpBytes)), me, null));
    }
    for (int leaf : request.removeLeaves) {
      requireMember(leaf);
      in.add(new CommitPlan.Resolved(new RemoveProposal(leaf), me, null));
    }
    for (byte[] wanted : request.removeIdentities) {
      boolean found = false;
      for (LeafIndex li : st.tree.members()) {
        byte[] id = Leaves.authenticate(suite, policy, st.tree.leafNode(li));
        if (!li.equals(self) && policy.sameAgent(id, wanted)) {
          in.add(new CommitPlan.Resolved(new RemoveProposal(li.value()), me, null));
          found = true;
        }
      }
      if (!found) {
        throw Leaves.invalid("no other member has that identity");
      }
    }
    for (byte[] pskId : request.externalPsks) {
      in.add(
          new CommitPlan.Resolved(
              new PreSharedKeyProposal(PreSharedKeyId.external(pskId, nonce())), me, null));
    }
    for (long epoch : request.resumptionEpochs) {
      in.add(
          new CommitPlan.Resolved(
              new PreSharedKeyProposal(
                  PreSharedKeyId.resumption(
                      PreSharedKeyId.USAGE_APPLICATION, st.groupId(), epoch, nonce())),
              me,
              null));
    }
    if (request.groupContextExtensions != null) {
      List<Extension> exts = Leaves.toWire(request.groupContextExtensions);
      Extensions.checkNoDuplicates(exts, "GroupContextExtensions");
      in.add(new CommitPlan.Resolved(new GroupContextExtensionsProposal(exts), me, null));
    }
    if (request.reInit != null) {
      ProcessResult.ReInit ri = request.reInit;
      in.add(
          new CommitPlan.Resolved(
              new ReInitProposal(
                  ri.groupId(), ri.version(), ri.cipherSuite(), Leaves.toWire(ri.extensions())),
              me,
              null));
    }
    if (in.size() > MAX_COMMIT_PROPOSALS) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "too many proposals for one commit");
    }
    CommitPlan.checkSize(st, in, config.maxMembers());
    CommitPlan plan = CommitPlan.build(st, policy, in, self, true, this::lookupPsk);
    CommitPlan.checkFinalSize(plan, config.maxMembers());
    RatchetTree next = plan.tree;
    boolean withPath = plan.pathRequired || request.forcePath;
    byte[] commitSecret;
    PrivateTree priv;
    UpdatePath path = null;
    TreeKem.Created created = null;
    Set<LeafIndex> joiners = new HashSet<>(plan.addedLeaves);
    byte[] groupId = st.groupId();
    try {
      if (withPath) {
        LeafNode current = next.leafNode(self);
        created =
            TreeKem.create(
                next,
                self,
                (encKey, parentHash) ->
                    Leaves.sign(
                        identity,
                        Leaves.unsignedLeaf(
                            suite,
                            identity,
                            encKey,
                            LeafNode.COMMIT,
                            null,
                            parentHash,
                            current.capabilities(),
                            current.extensions()),
                        groupId,
                        self.value()));
        GroupContext provisional =
            nextContext(
                st.context, next.treeHash(), st.context.confirmedTranscriptHash(), plan.extensions);
        path = created.encrypt(provisional.toBytes(), joiners);
        commitSecret = created.commitSecret();
        priv = created.privateTree();
      } else {
        commitSecret = KeySchedule.zero(suite);
        priv = st.privateTree.copy();
        priv.prune(next);
      }
      Commit commit = new Commit(plan.proposals, path);
      int wf = handshakeFormat();
      FramedContent fc =
          FramedContent.commit(
              groupId, st.epoch(), Sender.member(self.value()), request.authenticatedData, commit);
      byte[] pskSecret = PskSecret.compute(suite, plan.pskInputs);
      Built built =
          finishCommit(
              suite,
              st,
              fc,
              wf,
              identity::signWithLabel,
              next,
              plan.extensions,
              st.secrets.initSecret(),
              commitSecret,
              pskSecret);
      byte[] message = frame(st, built.content, SecretTree.RatchetType.HANDSHAKE);
      GroupState nextState =
          GroupState.of(
              suite,
              built.context,
              next,
              priv,
              built.secrets,
              built.content.auth().confirmationTag(),
              self,
              limits);
      byte[] welcome = null;
      boolean treeInWelcome =
          request.ratchetTreeInWelcome != null
              ? request.ratchetTreeInWelcome
              : config.ratchetTreeInWelcome();
      if (!plan.addedLeaves.isEmpty()) {
        GroupInfo gi = signedGroupInfo(nextState, treeInWelcome, false);
        List<Welcomes.Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < plan.addedLeaves.size(); i++) {
          byte[] ps = created == null ? null : created.pathSecretFor(plan.addedLeaves.get(i));
          recipients.add(new Welcomes.Recipient(plan.addedKeyPackages.get(i), ps));
        }
        welcome =
            MlsMessage.of(
                    Welcomes.create(
                        suite, gi, built.secrets.joinerSecret(), plan.psks, pskSecret, recipients))
                .toBytes();
      }
      Arrays.fill(pskSecret, (byte) 0);
      ProcessResult.CommitApplied result =
          applied(
              st,
              plan,
              nextState,
              Leaves.memberOf(suite, policy, next.leafNode(self), self.value()),
              false,
              withPath);
      PendingCommit pc = new PendingCommit(nextState.epoch(), message, welcome);
      pending = new Pending(pc, nextState, result);
      return pc;
    } finally {
      if (created != null) {
        created.wipe();
      }
    }
  }

  private ProcessResult.CommitApplied applied(
      GroupState old,
      CommitPlan plan,
      GroupState next,
      Member committer,
      boolean external,
      boolean withPath) {
    List<Member> added = new ArrayList<>();
    for (LeafIndex li : plan.addedLeaves) {
      added.add(Leaves.memberOf(suite, policy, next.tree.leafNode(li), li.value()));
    }
    List<Member> updated = new ArrayList<>();
    for (LeafIndex li : plan.updatedLeaves) {
      updated.add(Leaves.memberOf(suite, policy, next.tree.leafNode(li), li.value()));
    }
    if (withPath && !external) {
      updated.add(committer);
    }
    ProcessResult.ReInit reInit = null;
    if (plan.reInit != null) {
      ReInitProposal r = plan.reInit;
      reInit =
          new ProcessResult.ReInit(
              r.groupId(), r.version(), r.cipherSuite(), Leaves.fromWire(r.extensions()));
    }
    return new ProcessResult.CommitApplied(
        next.epoch(),
        committer,
        external,
        List.copyOf(added),
        List.copyOf(plan.removed),
        List.copyOf(updated),
        reInit);
  }

  public Optional<PendingCommit> pendingCommit() {
    return pending == null ? Optional.empty() : Optional.of(pending.commit());
  }

  public ProcessResult.CommitApplied mergePendingCommit() throws MlsException {
    if (pending == null) {
      throw new MlsException(Reason.STATE, "no commit is pending");
    }
    Pending p = pending;
    pending = null;
    install(p.next(), p.result().reInit() != null);
    return p.result();
  }

  public void discardPendingCommit() {
    if (pending != null) {
      pending.next().destroy();
      pending = null;
    }
  }

  /** Moves to {@code next}: the old epoch joins the bounded window of past epochs. */
  private void install(GroupState next, boolean reInit) {
    GroupState old = state;
    state = next;
    past.addFirst(old);
    while (past.size() > config.pastEpochs()) {
      past.removeLast().destroy();
    }
    if (old.privateTree != null) {
      old.privateTree.wipe();
    }
    proposals.clear();
    wipeOwnUpdateKeys();
    if (reInit) {
      reInitialized = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving (§6, §12.4.2)

  public ProcessResult process(byte[] mlsMessage) throws MlsException {
    MlsMessage m = MlsMessage.decode(mlsMessage);
    if (m.version() != MlsMessage.MLS10) {
      throw new MlsException(Reason.UNSUPPORTED, "MLS version " + m.version());
    }
    if (m.wireFormat() == MlsMessage.PUBLIC_MESSAGE) {
      return processPublic(m.publicMessage());
    }
    if (m.wireFormat() == MlsMessage.PRIVATE_MESSAGE) {
      return processPrivate(m.privateMessage());
    }
    throw Leaves.invalid("wire format " + m.wireFormat() + " is not a group message");
  }

  /** §11.2: once a ReInit is committed, the old group takes no more proposals or commits. */
  private void requireNotReInitialized() throws MlsException {
    if (reInitialized) {
      throw new MlsException(
          Reason.STATE, "the group was reinitialized: handshake messages go to the new group");
    }
  }

  private void checkGroup(byte[] groupId) throws MlsException {
    if (!MessageDigest.isEqual(groupId, state.groupId())) {
      throw Leaves.invalid("the message is for another group");
    }
  }

  private ProcessResult processPublic(PublicMessage pm) throws MlsException {
    FramedContent fc = pm.content();
    checkGroup(fc.groupId());
    if (fc.epoch() != state.epoch()) {
      throw new MlsException(
          Reason.WRONG_EPOCH,
          "a handshake message of epoch " + fc.epoch() + " in epoch " + state.epoch());
    }
    if (!active) {
      throw new MlsException(Reason.REMOVED, "this member was removed from the group");
    }
    requireNotReInitialized();
    if (fc.contentType() == FramedContent.APPLICATION) {
      throw Leaves.invalid("application data must be sent as a PrivateMessage");
    }
    GroupState st = state;
    AuthenticatedContent ac = Framing.fromPublic(suite, pm, st.context, st.secrets.membershipKey());
    Sender sender = fc.sender();
    byte[] key;
    switch (sender.senderType()) {
      case Sender.MEMBER -> key = memberKey(st, sender.leafIndex());
      case Sender.EXTERNAL -> {
        if (fc.contentType() != FramedContent.PROPOSAL) {
          throw Leaves.invalid("an external sender may only propose");
        }
        Extension e = Extensions.find(st.context.extensions(), Extension.EXTERNAL_SENDERS);
        List<ExternalSender> senders =
            e == null ? List.of() : ExternalSendersExtension.from(e).externalSenders();
        int i = sender.senderIndex();
        if (i < 0 || i >= senders.size()) {
          throw Leaves.invalid("unknown external sender " + (i & 0xffffffffL));
        }
        key = senders.get(i).signatureKey();
      }
      case Sender.NEW_MEMBER_PROPOSAL -> {
        if (fc.contentType() != FramedContent.PROPOSAL
            || !(fc.proposal() instanceof AddProposal add)) {
          throw Leaves.invalid("a new member may only propose to add itself");
        }
        key = add.keyPackage().leafNode().signatureKey();
      }
      case Sender.NEW_MEMBER_COMMIT -> {
        if (fc.contentType() != FramedContent.COMMIT || fc.commit().path() == null) {
          throw Leaves.invalid("a new_member_commit sender must send a commit with a path");
        }
        key = fc.commit().path().leafNode().signatureKey();
      }
      default -> throw Leaves.invalid("sender type " + sender.senderType());
    }
    if (!Framing.verifySignature(suite, ac, st.context, key)) {
      throw new MlsException(Reason.BAD_SIGNATURE, "message signature");
    }
    return handle(st, ac);
  }

  private byte[] memberKey(GroupState st, int leaf) throws MlsException {
    if (leaf < 0 || leaf >= st.tree.leafCount()) {
      throw Leaves.invalid("sender leaf " + (leaf & 0xffffffffL) + " is not in the tree");
    }
    LeafNode node = st.tree.leafNode(LeafIndex.of(leaf));
    if (node == null) {
      throw Leaves.invalid("sender leaf " + leaf + " is blank");
    }
    return node.signatureKey();
  }

  private ProcessResult processPrivate(PrivateMessage pm) throws MlsException {
    checkGroup(pm.groupId());
    GroupState st = null;
    if (pm.epoch() == state.epoch()) {
      st = state;
    } else {
      for (GroupState p : past) {
        if (p.epoch() == pm.epoch()) {
          st = p;
        }
      }
    }
    if (st == null) {
      throw new MlsException(
          Reason.WRONG_EPOCH, "epoch " + pm.epoch() + " is not held (now " + state.epoch() + ")");
    }
    boolean current = st == state;
    if (pm.contentType() != FramedContent.APPLICATION && (!current || !active)) {
      throw new MlsException(
          active ? Reason.WRONG_EPOCH : Reason.REMOVED,
          "a handshake message of a past epoch, or after removal");
    }
    if (pm.contentType() != FramedContent.APPLICATION) {
      requireNotReInitialized();
    }
    GroupState epoch = st;
    // The acceptor only checks (sender, signature); state changes happen after the key is
    // committed, so a failure anywhere leaves the group as it was.
    AuthenticatedContent ac =
        Framing.fromPrivate(
            suite,
            pm,
            epoch.secrets.senderDataSecret(),
            epoch.secretTree,
            epoch.tree.leafCount(),
            content -> {
              int leaf = content.content().sender().leafIndex();
              if (leaf == epoch.self.value()) {
                throw Leaves.invalid("a message of this member itself");
              }
              byte[] key = memberKey(epoch, leaf);
              if (!Framing.verifySignature(suite, content, epoch.context, key)) {
                throw new MlsException(Reason.BAD_SIGNATURE, "message signature");
              }
              return content;
            });
    if (ac.content().contentType() == FramedContent.APPLICATION) {
      int leaf = ac.content().sender().leafIndex();
      return new ProcessResult.ApplicationMessage(
          epoch.epoch(),
          Leaves.memberOf(suite, policy, epoch.tree.leafNode(LeafIndex.of(leaf)), leaf),
          ac.content().applicationData().clone(),
          ac.content().authenticatedData().clone());
    }
    return handle(epoch, ac);
  }

  /** A verified proposal or commit of the current epoch. */
  private ProcessResult handle(GroupState st, AuthenticatedContent ac) throws MlsException {
    FramedContent fc = ac.content();
    if (fc.contentType() == FramedContent.PROPOSAL) {
      return receiveProposal(st, ac);
    }
    if (fc.contentType() == FramedContent.COMMIT) {
      return receiveCommit(st, ac);
    }
    throw Leaves.invalid("application data in a PublicMessage");
  }

  private ProcessResult receiveProposal(GroupState st, AuthenticatedContent ac)
      throws MlsException {
    FramedContent fc = ac.content();
    Sender sender = fc.sender();
    if (sender.isMember() && sender.leafIndex() == st.self.value()) {
      throw Leaves.invalid("a proposal of this member itself");
    }
    Proposal p = fc.proposal();
    Member subject = null;
    if (p instanceof AddProposal add) {
      Leaves.validateKeyPackage(suite, add.keyPackage(), System.currentTimeMillis() / 1000);
      LeafNode l = add.keyPackage().leafNode();
      Leaves.validateLeaf(suite, policy, l, LeafNode.KEY_PACKAGE, null, -1);
      subject = Leaves.memberOf(suite, policy, l, -1);
    } else if (p instanceof UpdateProposal upd) {
      if (!sender.isMember()) {
        throw Leaves.invalid("an Update must come from a member");
      }
      LeafNode old = st.tree.leafNode(LeafIndex.of(sender.leafIndex()));
      byte[] newId =
          Leaves.validateLeaf(
              suite, policy, upd.leafNode(), LeafNode.UPDATE, st.groupId(), sender.leafIndex());
      if (!policy.sameAgent(Leaves.authenticate(suite, policy, old), newId)) {
        throw new MlsException(
            Reason.POLICY_REJECTED, "an Update may not change the member's identity");
      }
      subject = Leaves.memberOf(suite, policy, upd.leafNode(), sender.leafIndex());
    } else if (p instanceof RemoveProposal rem) {
      requireMember(rem.removed());
      subject =
          Leaves.memberOf(
              suite, policy, st.tree.leafNode(LeafIndex.of(rem.removed())), rem.removed());
    } else if (p instanceof ExternalInitProposal) {
      throw Leaves.invalid("ExternalInit may only be sent by value in an external commit");
    }
    if (proposals.size() >= MAX_CACHED_PROPOSALS) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "too many proposals cached in this epoch");
    }
    byte[] ref = proposalRef(ac);
    proposals.put(ByteBuffer.wrap(ref), new Cached(ref, p, sender));
    Member from =
        sender.isMember()
            ? Leaves.memberOf(
                suite,
                policy,
                st.tree.leafNode(LeafIndex.of(sender.leafIndex())),
                sender.leafIndex())
            : null;
    return new ProcessResult.ProposalReceived(st.epoch(), kind(p), from, ref.clone(), subject);
  }

  private static ProcessResult.ProposalKind kind(Proposal p) {
    if (p instanceof AddProposal) {
      return ProcessResult.ProposalKind.ADD;
    } else if (p instanceof UpdateProposal) {
      return ProcessResult.ProposalKind.UPDATE;
    } else if (p instanceof RemoveProposal) {
      return ProcessResult.ProposalKind.REMOVE;
    } else if (p instanceof PreSharedKeyProposal) {
      return ProcessResult.ProposalKind.PRE_SHARED_KEY;
    } else if (p instanceof ReInitProposal) {
      return ProcessResult.ProposalKind.REINIT;
    } else if (p instanceof ExternalInitProposal) {
      return ProcessResult.ProposalKind.EXTERNAL_INIT;
    }
    return ProcessResult.ProposalKind.GROUP_CONTEXT_EXTENSIONS;
  }

  private ProcessResult receiveCommit(GroupState st, AuthenticatedContent ac) throws MlsException {
    FramedContent fc = ac.content();
    Sender sender = fc.sender();
    boolean external = sender.senderType() == Sender.NEW_MEMBER_COMMIT;
    if (!external && sender.senderType() != Sender.MEMBER) {
      throw Leaves.invalid("a commit from sender type " + sender.senderType());
    }
    if (external && ac.wireFormat() != MlsMessage.PUBLIC_MESSAGE) {
      throw Leaves.invalid("an external commit must be a PublicMessage");
    }
    LeafIndex committer = external ? null : LeafIndex.of(sender.leafIndex());
    if (committer != null && committer.equals(st.self)) {
      throw new MlsException(
          Reason.STATE, "this member's own commit: apply it with mergePendingCommit()");
    }
    Commit commit = fc.commit();
    if (commit.proposals().size() > MAX_COMMIT_PROPOSALS) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "too many proposals in a commit");
    }
    List<CommitPlan.Resolved> in = new ArrayList<>(commit.proposals().size());
    Set<ByteBuffer> seenRefs = new HashSet<>();
    for (ProposalOrRef por : commit.proposals()) {
      if (por.isReference()) {
        if (external) {
          throw Leaves.invalid("an external commit must carry its proposals by value");
        }
        Cached c = proposals.get(ByteBuffer.wrap(por.reference()));
        if (c == null) {
          throw Leaves.invalid("the commit references a proposal this member does not hold");
        }
        if (!seenRefs.add(ByteBuffer.wrap(por.reference()))) {
          throw Leaves.invalid("the commit references one proposal twice");
        }
        in.add(new CommitPlan.Resolved(c.proposal(), c.sender(), c.reference()));
      } else {
        Proposal p = por.proposal();
        if (p instanceof UpdateProposal) {
          throw Leaves.invalid("an Update must be committed by reference");
        }
        in.add(new CommitPlan.Resolved(p, sender, null));
      }
    }
    // An external joiner's own leaf comes on top of the proposals.
    int sizeLimit = external ? config.maxMembers() - 1 : config.maxMembers();
    CommitPlan.checkSize(st, in, sizeLimit);
    CommitPlan plan = CommitPlan.build(st, policy, in, committer, false, this::lookupPsk);
    CommitPlan.checkFinalSize(plan, sizeLimit);
    UpdatePath path = commit.path();
    if (plan.pathRequired && path == null) {
      throw Leaves.invalid("this commit needs a path (§12.4)");
    }
    RatchetTree next = plan.tree;
    Member replaced = null;
    LeafIndex joiner = null;
    byte[] joinerId = null;
    if (external) {
      if (!plan.removedLeaves.isEmpty()) {
        replaced = plan.removed.get(0);
      }
      joiner = next.addLeaf(path.leafNode());
      joinerId =
          Leaves.validateLeaf(
              suite, policy, path.leafNode(), LeafNode.COMMIT, st.groupId(), joiner.value());
      if (replaced != null && !policy.sameAgent(replaced.identity(), joinerId)) {
        throw new MlsException(
            Reason.POLICY_REJECTED,
            "an external commit may remove only its own joiner's old leaf (resync)");
      }
      plan.keys.check(path.leafNode());
      committer = joiner;
    } else if (path != null) {
      byte[] newId =
          Leaves.validateLeaf(
              suite, policy, path.leafNode(), LeafNode.COMMIT, st.groupId(), committer.value());
      LeafNode old = next.leafNode(committer);
      if (!policy.sameAgent(Leaves.authenticate(suite, policy, old), newId)) {
        throw new MlsException(
            Reason.POLICY_REJECTED, "a commit path may not change the committer's identity");
      }
      plan.keys.remove(old);
      if (MessageDigest.isEqual(old.encryptionKey(), path.leafNode().encryptionKey())) {
        throw Leaves.invalid("a commit path must change the committer's encryption key");
      }
      plan.keys.check(path.leafNode());
    }
    if (external) {
      Member j = Leaves.member(suite, policy, next, joiner);
      Member old = replaced;
      Leaves.askPolicy(
          () ->
              policy.checkJoin(
                  new MlsPolicy.JoinRequest(
                      st.groupId().clone(),
                      st.epoch(),
                      old == null ? MlsPolicy.JoinKind.EXTERNAL_COMMIT : MlsPolicy.JoinKind.RESYNC,
                      j,
                      null,
                      old)));
    }
    // The path's public half (node keys, the committer's leaf and its parent hash, §7.9.2) is
    // checked before anything else, so even a member this commit removes accepts it only if
    // every other member could.
    TreeKem.Merged merged = path == null ? null : TreeKem.merge(next, committer, path);
    boolean removedSelf = plan.removedLeaves.contains(st.self);
    if (removedSelf) {
      Member by =
          committer == null
              ? null
              : Leaves.memberOf(
                  suite,
                  policy,
                  external ? path.leafNode() : st.tree.leafNode(committer),
                  committer.value());
      // The commit is authentic (signed by a member, membership-tagged); this member cannot check
      // its confirmation tag without the path secrets it is excluded from.
      active = false;
      discardPendingCommit();
      proposals.clear();
      wipeOwnUpdateKeys();
      return new ProcessResult.Removed(st.epoch(), by);
    }
    PrivateTree priv = st.privateTree.copy();
    // This member's Update committed by another: its new leaf key.
    for (int i = 0; i < plan.updatedLeaves.size(); i++) {
      if (plan.updatedLeaves.get(i).equals(st.self)) {
        byte[] k = ownUpdateKeys.get(ByteBuffer.wrap(plan.updateReferences.get(i)));
        if (k == null) {
          priv.wipe();
          throw Leaves.invalid("the commit applies an Update of this member it did not make");
        }
        priv.put(st.self.node(), k, next.leafNode(st.self).encryptionKey());
      }
    }
    priv.prune(next);
    byte[] commitSecret;
    Set<LeafIndex> joiners = new HashSet<>(plan.addedLeaves);
    if (merged != null) {
      GroupContext provisional =
          nextContext(
              st.context, next.treeHash(), st.context.confirmedTranscriptHash(), plan.extensions);
      TreeKem.Decrypted d = merged.decrypt(priv, provisional.toBytes(), joiners);
      priv.wipe();
      priv = d.privateTree();
      commitSecret = d.commitSecret();
    } else {
      commitSecret = KeySchedule.zero(suite);
    }
    byte[] confirmed =
        TranscriptHashes.confirmed(
            suite, st.interimTranscriptHash, ac.confirmedTranscriptHashInput());
    GroupContext ctx = nextContext(st.context, next.treeHash(), confirmed, plan.extensions);
    byte[] init;
    if (external) {
      Suite.KeyPair kp = st.secrets.externalKeyPair();
      init =
          KeySchedule.externalInitReceiver(suite, kp.privateKey(), plan.externalInit.kemOutput());
      Arrays.fill(kp.privateKey(), (byte) 0);
    } else {
      init = st.secrets.initSecret();
    }
    byte[] pskSecret = PskSecret.compute(suite, plan.pskInputs);
    EpochSecrets secrets =
        KeySchedule.fromInit(suite, init, commitSecret, pskSecret, ctx.toBytes());
    Arrays.fill(init, (byte) 0);
    Arrays.fill(commitSecret, (byte) 0);
    Arrays.fill(pskSecret, (byte) 0);
    byte[] tag = ac.auth().confirmationTag();
    if (!secrets.verifyConfirmationTag(confirmed, tag)) {
      secrets.destroy();
      priv.wipe();
      throw new MlsException(Reason.BAD_SIGNATURE, "the commit's confirmation tag is wrong");
    }
    GroupState nextState = GroupState.of(suite, ctx, next, priv, secrets, tag, st.self, limits);
    Member by = Leaves.memberOf(suite, policy, next.leafNode(committer), committer.value());
    ProcessResult.CommitApplied result = applied(st, plan, nextState, by, external, path != null);
    discardPendingCommit();
    install(nextState, plan.reInit != null);
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Application messages (§6.3)

  public byte[] encrypt(byte[] plaintext, byte[] authenticatedData) throws MlsException {
    requireActive();
    FramedContent fc =
        FramedContent.application(
            state.groupId(),
            state.epoch(),
            Sender.member(state.self.value()),
            authenticatedData.clone(),
            plaintext.clone());
    AuthenticatedContent ac =
        Framing.sign(
            suite, MlsMessage.PRIVATE_MESSAGE, fc, state.context, identity::signWithLabel, null);
    return frame(state, ac, SecretTree.RatchetType.APPLICATION);
  }

  public ProcessResult.ApplicationMessage decrypt(byte[] mlsMessage) throws MlsException {
    MlsMessage m = MlsMessage.decode(mlsMessage);
    if (m.wireFormat() != MlsMessage.PRIVATE_MESSAGE
        || m.privateMessage().contentType() != FramedContent.APPLICATION) {
      throw Leaves.invalid("not an application message");
    }
    return (ProcessResult.ApplicationMessage) processPrivate(m.privateMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  public byte[] snapshot() throws MlsException {
    GroupState st = state;
    long lease = config.generationLease();
    TlsWriter w = new TlsWriter();
    w.u16(SNAPSHOT_FORMAT).u16(suite.suite().id());
    st.context.encode(w);
    st.tree.write(w);
    w.u32(st.self.value());
    w.bool(active).bool(reInitialized);
    w.opaque(st.interimTranscriptHash).opaque(st.confirmationTag);
    st.secrets.write(w);
    // The leaf's key first (restore builds the private tree from it), then the path's in any
    // order: ascending node order puts a parent before the leaf for every leaf but 0.
    List<io.agentwire.mls.internal.tree.NodeIndex> nodes = new ArrayList<>(st.privateTree.nodes());
    nodes.remove(st.self.node());
    nodes.add(0, st.self.node());
    w.u32(nodes.size());
    for (io.agentwire.mls.internal.tree.NodeIndex n : nodes) {
      byte[] key = st.privateTree.privateKey(n);
      w.u32(n.value());
      w.opaque(key);
      Arrays.fill(key, (byte) 0);
    }
    st.secretTree.write(w, st.self.value(), lease);
    byte[] out = w.toByteArray();
    w.wipe();
    for (SecretTree.RatchetType type : SecretTree.RatchetType.values()) {
      long next = st.secretTree.nextGeneration(st.self.value(), type);
      st.leaseEnd[type.ordinal()] = Math.min(SecretTree.MAX_GENERATION + 1, next + lease);
    }
    return out;
  }

  public static GroupEngine restore(
      Suite suite, byte[] snapshot, MlsIdentity identity, MlsGroupConfig config)
      throws MlsException {
    TlsReader r = new TlsReader(snapshot);
    int format = r.u16();
    if (format != SNAPSHOT_FORMAT) {
      throw new MlsException(Reason.UNSUPPORTED, "group snapshot format " + format);
    }
    int id = r.u16();
    if (id != suite.suite().id()) {
      throw Leaves.invalid("the snapshot is for cipher suite " + id);
    }
    GroupContext ctx = GroupContext.read(r);
    RatchetTree tree = RatchetTree.read(suite, r);
    int selfIndex = r.u32AsInt("leaf index");
    if (selfIndex < 0
        || selfIndex >= tree.leafCount()
        || tree.leafNode(LeafIndex.of(selfIndex)) == null) {
      throw new MlsException(Reason.MALFORMED, "snapshot leaf index");
    }
    LeafIndex self = LeafIndex.of(selfIndex);
    if (!Arrays.equals(tree.leafNode(self).signatureKey(), identity.signaturePublicKey())) {
      throw Leaves.invalid("the snapshot belongs to another signature key");
    }
    boolean active = r.bool();
    boolean reInit = r.bool();
    byte[] interim = r.opaque();
    byte[] tag = r.opaque();
    EpochSecrets secrets = EpochSecrets.read(suite, r);
    int n = r.u32AsInt("private key count");
    if (n < 1 || n > Wire.MAX_PATH + 1) {
      throw new MlsException(Reason.MALFORMED, "snapshot private key count");
    }
    Suite.KeyPair none = null;
    PrivateTree priv = null;
    for (int i = 0; i < n; i++) {
      int node = r.u32AsInt("node index");
      byte[] key = r.opaque();
      if (node < 0 || node >= tree.nodeWidth()) {
        throw new MlsException(Reason.MALFORMED, "snapshot node index");
      }
      io.agentwire.mls.internal.tree.NodeIndex ni =
          new io.agentwire.mls.internal.tree.NodeIndex(node);
      var tn = tree.node(ni);
      if (tn == null) {
        throw new MlsException(Reason.MALFORMED, "snapshot key for a blank node");
      }
      if (priv == null) {
        if (!ni.equals(self.node())) {
          throw new MlsException(Reason.MALFORMED, "snapshot keys must start with the leaf's");
        }
        priv = new PrivateTree(self, key, tn.encryptionKey());
      } else {
        priv.put(ni, key, tn.encryptionKey());
      }
      Arrays.fill(key, (byte) 0);
    }
    priv.verifyConsistent(tree);
    SecretTree st = SecretTree.read(suite, r, limits(config));
    r.finish("group snapshot");
    if (!MessageDigest.isEqual(tree.treeHash(), ctx.treeHash())) {
      throw new MlsException(Reason.MALFORMED, "snapshot tree does not match its context");
    }
    GroupState state = new GroupState(suite, ctx, tree, priv, secrets, st, interim, tag, self);
    GroupEngine e = new GroupEngine(suite, identity, config, state);
    e.active = active;
    e.reInitialized = reInit;
    return e;
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding: an MLSMessage or the bare struct (the member protocol accepts both)

  static KeyPackage decodeKeyPackage(byte[] b) throws MlsException {
    return decode(
        b, MlsMessage.KEY_PACKAGE, MlsMessage::keyPackage, KeyPackage::read, "KeyPackage");
  }

  static Welcome decodeWelcome(byte[] b) throws MlsException {
    return decode(b, MlsMessage.WELCOME, MlsMessage::welcome, Welcome::read, "Welcome");
  }

  static GroupInfo decodeGroupInfo(byte[] b) throws MlsException {
    return decode(b, MlsMessage.GROUP_INFO, MlsMessage::groupInfo, GroupInfo::read, "GroupInfo");
  }

  private interface Unwrap<T> {
    T from(MlsMessage m) throws MlsException;
  }

  /** {@code b} as an MLSMessage of {@code wireFormat}, or else as the bare struct. */
  private static <T> T decode(
      byte[] b, int wireFormat, Unwrap<T> unwrap, TlsReader.Element<T> bare, String what)
      throws MlsException {
    try {
      MlsMessage m = MlsMessage.decode(b);
      if (m.wireFormat() == wireFormat) {
        return unwrap.from(m);
      }
    } catch (MlsException e) {
      // not an MLSMessage: try the bare struct
    }
    return Wire.decode(b, bare, what);
  }

  @Override
  public String toString() {
    return "GroupEngine["
        + suite.suite()
        + ", epoch "
        + state.epoch()
        + ", leaf "
        + state.self.value()
        + (active ? "" : ", removed")
        + "]";
  }
}
