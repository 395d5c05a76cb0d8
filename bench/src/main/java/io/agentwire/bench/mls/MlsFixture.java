package io.agentwire.bench.mls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of {@code size} members built the way the issue asks, once per trial: the creator (leaf
 * 0) adds everyone else in <em>one</em> commit of {@code size - 1} KeyPackages. Most members are
 * only KeyPackages; the real ones join from that Welcome.
 *
 * <p>A tree built by one big add has blank parent nodes everywhere off the creator's path, so the
 * next update must encrypt to every leaf of each blank copath subtree: O(N) HPKE encryptions (the
 * "known trap"; the same happens to a populated tree's unmerged leaves). {@code populated} builds
 * the steady state instead: one real helper in each of the creator's copath subtrees (leaves 1, 2,
 * 4, ..., 2^k) joins and commits an update, and then the creator does, so every copath node holds a
 * key and the creator's next path costs log2(N) encryptions. That is about log2(N) commits on top
 * of the one add, each processed by every real member.
 *
 * <p>The {@link #receiver} is the real member that processes the creator's commits: the last helper
 * (the one in the right half of the tree), or the last leaf when not populated.
 */
public final class MlsFixture {

  public static final String AGENTWIRE = "agentwire";
  public static final String BCMLS = "bcmls";

  public final int size;
  public final GroupMember creator;
  public final GroupMember receiver;

  /** The Welcome of the big add: its size is the cost of a join into an N-member group. */
  public final byte[] bigWelcome;

  private MlsFixture(int size, GroupMember creator, GroupMember receiver, byte[] bigWelcome) {
    this.size = size;
    this.creator = creator;
    this.receiver = receiver;
    this.bigWelcome = bigWelcome;
  }

  /** A member on {@code impl} ({@link #AGENTWIRE} or {@link #BCMLS}). */
  public static GroupMember member(String impl, int suite, String identity) throws Exception {
    switch (impl) {
      case AGENTWIRE:
        return new AgentWireMember(suite, identity);
      case BCMLS:
        return new BcmlsMember(suite, identity);
      default:
        throw new IllegalArgumentException("unknown MLS implementation: " + impl);
    }
  }

  /** Leaves of the helpers that populate the creator's copath: 1, 2, 4, ... below {@code size}. */
  static List<Integer> helperLeaves(int size) {
    List<Integer> leaves = new ArrayList<>();
    for (int leaf = 1; leaf < size; leaf <<= 1) {
      leaves.add(leaf);
    }
    return leaves;
  }

  public static MlsFixture build(String impl, int suite, int size, boolean populated)
      throws Exception {
    if (size < 2) {
      throw new IllegalArgumentException("a group of at least 2");
    }
    GroupMember creator = member(impl, suite, "member-0");
    creator.create(("bench-" + impl + "-" + size).getBytes(StandardCharsets.UTF_8));
    List<Integer> helperLeaves = populated ? helperLeaves(size) : List.of(size - 1);
    List<GroupMember> helpers = new ArrayList<>();
    List<byte[]> keyPackages = new ArrayList<>(size - 1);
    for (int leaf = 1; leaf < size; leaf++) {
      GroupMember m = member(impl, suite, "member-" + leaf);
      keyPackages.add(m.keyPackage());
      if (helperLeaves.contains(leaf)) {
        helpers.add(m);
      }
    }
    GroupMember.Commit add = creator.add(keyPackages);
    creator.merge();
    for (GroupMember h : helpers) {
      h.join(add.welcome());
    }
    List<GroupMember> real = new ArrayList<>(helpers);
    real.add(0, creator);
    if (populated) {
      for (GroupMember h : helpers) {
        commitAndDeliver(h, h.update(), real);
      }
      commitAndDeliver(creator, creator.update(), real);
    }
    GroupMember receiver = helpers.get(helpers.size() - 1);
    for (GroupMember m : real) {
      if (m.epoch() != creator.epoch()
          || !java.util.Arrays.equals(m.epochAuthenticator(), creator.epochAuthenticator())) {
        throw new IllegalStateException("the fixture's members disagree on the epoch");
      }
    }
    return new MlsFixture(size, creator, receiver, add.welcome());
  }

  private static void commitAndDeliver(
      GroupMember committer, GroupMember.Commit commit, List<GroupMember> members)
      throws Exception {
    committer.merge();
    for (GroupMember m : members) {
      if (m != committer) {
        m.process(commit.commit());
      }
    }
  }

  /** A fresh KeyPackage from a member who never joins. */
  public static byte[] strangerKeyPackage(String impl, int suite, String identity)
      throws Exception {
    return member(impl, suite, identity).keyPackage();
  }

  /** A leaf to remove: a member that is neither the creator, the receiver nor a helper. */
  public int removableLeaf() {
    List<Integer> helpers = helperLeaves(size);
    for (int leaf = size - 1; leaf > 0; leaf--) {
      if (!helpers.contains(leaf) && leaf != receiver.leaf()) {
        return leaf;
      }
    }
    return -1;
  }
}
