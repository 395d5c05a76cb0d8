package io.agentwire.cli;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.CommitBuilder;
import io.agentwire.mls.Credential;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link MemberEngine} on AgentWire's MLS implementation ({@code io.agentwire.mls}): one
 * signature key and basic credential for the life of the process, the KeyPackages made so far
 * (until a Welcome uses one), and at most one group. Commits are merged as soon as they are made,
 * since the driver is the delivery service and takes every commit it is given.
 */
final class MlsEngine implements MemberEngine {

  private final String identityText;
  private final Mls mls;
  private final MlsIdentity identity;
  private final MlsGroupConfig config;
  private final KeyPackageStore keyPackages = KeyPackageStore.inMemory();
  private MlsGroup group;

  MlsEngine(String identity, CipherSuite suite, boolean privateHandshake)
      throws GeneralSecurityException {
    this.identityText = identity;
    this.mls = Mls.getInstance(suite);
    this.identity =
        mls.identity(
            Credential.basic(identity.getBytes(StandardCharsets.UTF_8)),
            mls.generateSignatureKeyPair());
    this.config =
        MlsGroupConfig.builder()
            .handshakeFormat(
                privateHandshake
                    ? MlsGroupConfig.HandshakeFormat.PRIVATE_MESSAGE
                    : MlsGroupConfig.HandshakeFormat.PUBLIC_MESSAGE)
            .ratchetTreeInWelcome(true)
            .build();
  }

  @Override
  public String identity() {
    return identityText;
  }

  @Override
  public int suite() {
    return mls.cipherSuite().id();
  }

  private MlsGroup group() throws MlsException {
    if (group == null) {
      throw new MlsException(
          MlsException.Reason.STATE, "not in a group (create, join or external-join first)");
    }
    return group;
  }

  private MlsGroup activeGroup() throws MlsException {
    MlsGroup g = group();
    if (!g.isActive()) {
      throw new MlsException(MlsException.Reason.REMOVED, "this member was removed from the group");
    }
    return g;
  }

  @Override
  public byte[] keyPackage() throws GeneralSecurityException {
    KeyPackageBundle b = mls.createKeyPackage(identity, config);
    keyPackages.put(b);
    return b.keyPackage();
  }

  @Override
  public void create(byte[] groupId) throws GeneralSecurityException {
    group =
        groupId == null
            ? mls.createGroup(identity, config)
            : mls.createGroup(groupId, identity, config);
  }

  /** Builds a commit and merges it; on failure nothing is pending and the group is unchanged. */
  private Commit commitAndMerge(MlsGroup g, CommitBuilder builder) throws MlsException {
    PendingCommit pc = builder.build();
    try {
      g.mergePendingCommit();
    } catch (MlsException | RuntimeException e) {
      g.discardPendingCommit();
      throw e;
    }
    return new Commit(pc.commitMessage(), pc.welcome(), g.epoch());
  }

  @Override
  public Commit add(List<byte[]> kps) throws GeneralSecurityException {
    MlsGroup g = activeGroup();
    CommitBuilder b = g.commitBuilder().ratchetTreeInWelcome(true);
    for (byte[] kp : kps) {
      b.add(kp);
    }
    return commitAndMerge(g, b);
  }

  @Override
  public long join(byte[] welcome) throws GeneralSecurityException {
    MlsGroup g = mls.join(welcome, null, keyPackages, identity, config);
    group = g;
    return g.epoch();
  }

  @Override
  public Processed process(byte[] message) throws GeneralSecurityException {
    // A removed member may still read late messages of the epochs it held; the group refuses
    // anything later.
    MlsGroup g = group();
    ProcessResult r = g.process(message);
    if (r instanceof ProcessResult.ApplicationMessage) {
      ProcessResult.ApplicationMessage a = (ProcessResult.ApplicationMessage) r;
      return Processed.application(a.data(), a.epoch());
    } else if (r instanceof ProcessResult.CommitApplied) {
      return Processed.commit(r.epoch(), true);
    } else if (r instanceof ProcessResult.Removed) {
      return Processed.commit(r.epoch(), false);
    } else {
      return Processed.proposal(r.epoch());
    }
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    return activeGroup().encrypt(plaintext);
  }

  @Override
  public Commit update() throws GeneralSecurityException {
    MlsGroup g = activeGroup();
    return commitAndMerge(g, g.commitBuilder().forcePath());
  }

  @Override
  public Commit remove(int leaf) throws GeneralSecurityException {
    MlsGroup g = activeGroup();
    return commitAndMerge(g, g.commitBuilder().remove(leaf));
  }

  @Override
  public State state() throws GeneralSecurityException {
    MlsGroup g = group();
    return new State(
        g.epoch(),
        g.epochAuthenticator(),
        g.exportSecret("exporter", new byte[0], 32),
        g.members().size(),
        g.ownLeafIndex(),
        g.groupId(),
        g.cipherSuite().id());
  }

  @Override
  public byte[] export(String label, byte[] context, int length) throws GeneralSecurityException {
    return group().exportSecret(label, context, length);
  }

  @Override
  public List<Member> members() throws GeneralSecurityException {
    List<Member> out = new ArrayList<>();
    for (io.agentwire.mls.Member m : group().members()) {
      out.add(new Member(m.leafIndex(), m.identity()));
    }
    return out;
  }

  @Override
  public byte[] groupInfo() throws GeneralSecurityException {
    return activeGroup().groupInfo(true);
  }

  @Override
  public Commit externalJoin(byte[] groupInfo, boolean resync) throws GeneralSecurityException {
    ExternalJoin j = mls.joinByExternalCommit(groupInfo, null, identity, config, resync);
    group = j.group();
    return new Commit(j.commitMessage(), null, j.group().epoch());
  }
}
