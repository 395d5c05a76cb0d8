package io.agentwire.mls.internal.tree;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.HpkeCiphertext;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.UpdatePath;
import io.agentwire.mls.internal.message.UpdatePathNode;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * TreeKEM (RFC 9420 §7.4–§7.6): creating an UpdatePath as a committer and processing one as a
 * receiver.
 *
 * <p><b>Why two steps.</b> The path secrets are encrypted under the <em>provisional</em>
 * GroupContext (§12.4.2), whose {@code tree_hash} is that of the tree <em>after</em> the path has
 * been merged. So both sides first merge the path into the tree, then the caller builds the
 * provisional GroupContext from {@link RatchetTree#treeHash()}, then hands its encoding to the
 * second step:
 *
 * <pre>{@code
 * // committer, on its working copy of the tree with the commit's proposals applied
 * TreeKem.Created c = TreeKem.create(tree, me, (encKey, parentHash) -> mySignedCommitLeaf(...));
 * //   or TreeKem.create(tree, me, myLeafTemplate, sigPriv, groupId) with a raw signature key
 * byte[] ctx = provisionalContext(tree.treeHash()).toBytes();
 * UpdatePath path = c.encrypt(ctx, joinersOfThisCommit);
 * c.commitSecret(); c.privateTree(); c.pathSecretFor(joiner);   // key schedule, Welcome
 *
 * // receiver, on its working copy with the same proposals applied
 * TreeKem.Merged m = TreeKem.merge(tree, sender, path);          // parent hash checked here
 * byte[] ctx = provisionalContext(tree.treeHash()).toBytes();
 * TreeKem.Decrypted d = m.decrypt(myPrivateTree, ctx, joinersOfThisCommit);
 * d.commitSecret(); d.privateTree();
 * }</pre>
 *
 * <p>Both steps change the tree passed in place; on an exception it is in an unspecified state, so
 * pass a copy the group drops on failure. The UpdatePath's leaf node signature and the other leaf
 * node rules of §7.3 are the caller's to check (they depend on group policy); {@link #merge} checks
 * the structure and the parent hash.
 *
 * <p>Cost: O(log N) key derivations, hashes and HPKE operations in a full tree; the number of
 * encryptions is the total size of the copath resolutions, which grows with blank nodes and
 * unmerged leaves (up to O(N) right after one commit added many members).
 */
public final class TreeKem {

  private static final String LABEL = "UpdatePathNode";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TreeKem() {}

  /**
   * Step one for a committer: draws a fresh leaf secret and derives the path (see {@link
   * #create(RatchetTree, LeafIndex, LeafNode, byte[], byte[], byte[])}).
   */
  public static Created create(
      RatchetTree tree,
      LeafIndex committer,
      LeafNode template,
      byte[] signaturePrivateKey,
      byte[] groupId)
      throws MlsException {
    byte[] leafSecret = new byte[tree.suite().hashLength()];
    RANDOM.nextBytes(leafSecret);
    try {
      return create(tree, committer, template, signaturePrivateKey, groupId, leafSecret);
    } finally {
      Arrays.fill(leafSecret, (byte) 0);
    }
  }

  /**
   * Step one for a committer, from a given leaf secret, signing with a raw signature key: the new
   * leaf takes the template's signature key, credential, capabilities and extensions (see {@link
   * #create(RatchetTree, LeafIndex, LeafFactory, byte[])}).
   */
  public static Created create(
      RatchetTree tree,
      LeafIndex committer,
      LeafNode template,
      byte[] signaturePrivateKey,
      byte[] groupId,
      byte[] leafSecret)
      throws MlsException {
    Suite suite = tree.suite();
    LeafFactory factory =
        (encryptionKey, parentHash) -> {
          LeafNode unsigned =
              new LeafNode(
                  encryptionKey,
                  template.signatureKey(),
                  template.credential(),
                  template.capabilities(),
                  LeafNode.COMMIT,
                  null,
                  parentHash,
                  template.extensions(),
                  new byte[0]);
          return unsigned.withSignature(
              suite.signWithLabel(
                  signaturePrivateKey,
                  "LeafNodeTBS",
                  unsigned.toBeSigned(groupId, committer.value())));
        };
    return create(tree, committer, factory, leafSecret);
  }

  /**
   * Makes the committer's new leaf node once its encryption key and parent hash are known: a
   * commit-source LeafNode with exactly these two values, signed for the group and the committer's
   * leaf index (LeafNodeTBS, §7.2). Lets the caller choose the other fields and sign with a key it
   * holds itself.
   */
  @FunctionalInterface
  public interface LeafFactory {
    LeafNode make(byte[] encryptionKey, byte[] parentHash) throws MlsException;
  }

  /** Step one for a committer with a fresh random leaf secret and a caller-made leaf node. */
  public static Created create(RatchetTree tree, LeafIndex committer, LeafFactory leaf)
      throws MlsException {
    byte[] leafSecret = new byte[tree.suite().hashLength()];
    RANDOM.nextBytes(leafSecret);
    try {
      return create(tree, committer, leaf, leafSecret);
    } finally {
      Arrays.fill(leafSecret, (byte) 0);
    }
  }

  /**
   * Step one for a committer: the leaf's key pair is DeriveKeyPair(DeriveSecret(leaf_secret,
   * "node")), path_secret[0] = DeriveSecret(leaf_secret, "path") and so on up the filtered direct
   * path of {@code tree} (the tree with this commit's proposals applied, §7.4); the path's public
   * keys and parent hashes are merged into {@code tree}, and the leaf {@code factory} makes for the
   * new encryption key and parent hash replaces the committer's leaf (INVALID if it is not a
   * commit-source leaf with those two values).
   */
  public static Created create(
      RatchetTree tree, LeafIndex committer, LeafFactory factory, byte[] leafSecret)
      throws MlsException {
    Suite suite = tree.suite();
    tree.requireLeaf(committer);
    List<RatchetTree.PathStep> steps = tree.filteredPath(committer);
    Suite.KeyPair leafKeys = PrivateTree.nodeKeyPair(suite, leafSecret);
    PrivateTree priv = new PrivateTree(committer, leafKeys.privateKey(), leafKeys.publicKey());
    Arrays.fill(leafKeys.privateKey(), (byte) 0);
    List<byte[]> secrets = new ArrayList<>(steps.size());
    List<byte[]> publicKeys = new ArrayList<>(steps.size());
    byte[] ps = leafSecret;
    for (RatchetTree.PathStep s : steps) {
      ps = suite.deriveSecret(ps, "path");
      secrets.add(ps);
      publicKeys.add(priv.putPathSecret(suite, s.node(), ps));
    }
    byte[] commitSecret = suite.deriveSecret(ps, "path");
    byte[] parentHash = tree.mergePathNodes(committer, publicKeys);
    LeafNode leaf = factory.make(leafKeys.publicKey().clone(), parentHash.clone());
    if (!MessageDigest.isEqual(leaf.encryptionKey(), leafKeys.publicKey())) {
      priv.wipe();
      throw RatchetTree.invalid("the committer's new leaf does not carry the path's leaf key");
    }
    tree.setCommitLeaf(committer, leaf, parentHash);
    return new Created(tree, committer, steps, secrets, leaf, commitSecret, priv);
  }

  /** A committer's path after step one: merged into the tree, not yet encrypted. */
  public static final class Created {
    private final RatchetTree tree;
    private final LeafIndex committer;
    private final List<RatchetTree.PathStep> steps;
    private final List<byte[]> secrets;
    private final LeafNode leaf;
    private final byte[] commitSecret;
    private final PrivateTree privateTree;

    private Created(
        RatchetTree tree,
        LeafIndex committer,
        List<RatchetTree.PathStep> steps,
        List<byte[]> secrets,
        LeafNode leaf,
        byte[] commitSecret,
        PrivateTree privateTree) {
      this.tree = tree;
      this.committer = committer;
      this.steps = steps;
      this.secrets = secrets;
      this.leaf = leaf;
      this.commitSecret = commitSecret;
      this.privateTree = privateTree;
    }

    /** The committer's new, signed leaf node (also already in the tree). */
    public LeafNode leafNode() {
      return leaf;
    }

    /**
     * Step two: encrypts each path secret under {@code groupContext} (the encoded provisional
     * GroupContext) to the resolution of its copath child without the {@code joiners} (members
     * added by this commit, who get their path secret in the Welcome instead).
     */
    public UpdatePath encrypt(byte[] groupContext, Set<LeafIndex> joiners) throws MlsException {
      Suite suite = tree.suite();
      List<UpdatePathNode> nodes = new ArrayList<>(steps.size());
      for (int i = 0; i < steps.size(); i++) {
        RatchetTree.PathStep s = steps.get(i);
        List<NodeIndex> res = tree.resolution(s.copathChild(), joiners);
        List<HpkeCiphertext> cts = new ArrayList<>(res.size());
        for (NodeIndex r : res) {
          Suite.HpkeSealed sealed =
              suite.encryptWithLabel(
                  tree.node(r).encryptionKey(), LABEL, groupContext, secrets.get(i));
          cts.add(new HpkeCiphertext(sealed.kemOutput(), sealed.ciphertext()));
        }
        nodes.add(new UpdatePathNode(tree.node(s.node()).encryptionKey(), cts));
      }
      return new UpdatePath(leaf, nodes);
    }

    /** commit_secret: DeriveSecret(last path secret, "path") (§7.4, §8). A copy. */
    public byte[] commitSecret() {
      return commitSecret.clone();
    }

    /** The committer's private state for the new epoch (its new leaf key and path keys). */
    public PrivateTree privateTree() {
      return privateTree;
    }

    /**
     * The path secret of the lowest common ancestor of the committer and {@code joiner}, for the
     * joiner's GroupSecrets (§12.4.3.1); null if that node is not on the filtered direct path (only
     * possible if the joiner is not in the tree). A copy.
     */
    public byte[] pathSecretFor(LeafIndex joiner) {
      if (joiner.equals(committer) || !tree.inRange(joiner)) {
        return null;
      }
      int ancestor = TreeMath.commonAncestor(2 * committer.value(), 2 * joiner.value());
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).node().value() == ancestor) {
          return secrets.get(i).clone();
        }
      }
      return null;
    }

    /** Wipes the path secrets and the commit secret (not the private tree, which lives on). */
    public void wipe() {
      for (byte[] s : secrets) {
        Arrays.fill(s, (byte) 0);
      }
      Arrays.fill(commitSecret, (byte) 0);
    }
  }

  /**
   * Step one for a receiver: merges {@code path} from {@code sender} into {@code tree} (the tree
   * with the commit's proposals applied): INVALID if the number of path nodes differs from the
   * sender's filtered direct path, if the leaf node's source is not commit, or if its parent_hash
   * is not the one the merged path gives (§7.9.2). Afterwards the path forms a parent-hash chain
   * from the sender's leaf to the root.
   */
  public static Merged merge(RatchetTree tree, LeafIndex sender, UpdatePath path)
      throws MlsException {
    tree.requireLeaf(sender);
    List<RatchetTree.PathStep> steps = tree.filteredPath(sender);
    List<byte[]> publicKeys = new ArrayList<>(path.nodes().size());
    for (UpdatePathNode n : path.nodes()) {
      publicKeys.add(n.encryptionKey());
    }
    byte[] parentHash = tree.mergePathNodes(sender, publicKeys);
    tree.setCommitLeaf(sender, path.leafNode(), parentHash);
    return new Merged(tree, sender, steps, path);
  }

  /** A received path merged into the tree, ready to decrypt. */
  public static final class Merged {
    private final RatchetTree tree;
    private final LeafIndex sender;
    private final List<RatchetTree.PathStep> steps;
    private final UpdatePath path;

    private Merged(
        RatchetTree tree, LeafIndex sender, List<RatchetTree.PathStep> steps, UpdatePath path) {
      this.tree = tree;
      this.sender = sender;
      this.steps = steps;
      this.path = path;
    }

    /**
     * Step two: decrypts the path secret of the lowest node of the sender's filtered direct path
     * above {@code mine}'s leaf with the key {@code mine} holds in that node's copath-child
     * resolution (without {@code joiners}), derives the secrets above it, checks every derived
     * public key against the path (INVALID), and returns the commit secret and the member's new
     * private state ({@code mine} is not changed). DECRYPT_FAILED if HPKE fails.
     */
    public Decrypted decrypt(PrivateTree mine, byte[] groupContext, Set<LeafIndex> joiners)
        throws MlsException {
      Suite suite = tree.suite();
      LeafIndex me = mine.self();
      if (me.equals(sender)) {
        throw new MlsException(
            MlsException.Reason.STATE, "a member does not decrypt its own UpdatePath");
      }
      int myNode = 2 * me.value();
      int k = -1;
      for (int i = 0; i < steps.size(); i++) {
        if (TreeMath.isInSubtree(steps.get(i).copathChild().value(), myNode)) {
          k = i;
          break;
        }
      }
      if (k < 0) {
        throw RatchetTree.invalid(me + " is under no node of the sender's filtered direct path");
      }
      List<NodeIndex> res = tree.resolution(steps.get(k).copathChild(), joiners);
      List<HpkeCiphertext> cts = path.nodes().get(k).encryptedPathSecret();
      if (cts.size() != res.size()) {
        throw RatchetTree.invalid(
            "path node "
                + k
                + " has "
                + cts.size()
                + " ciphertexts for a resolution of "
                + res.size());
      }
      int j = -1;
      for (int i = 0; i < res.size(); i++) {
        if (mine.has(res.get(i))) {
          j = i;
          break;
        }
      }
      if (j < 0) {
        throw new MlsException(
            MlsException.Reason.STATE,
            me + " holds no private key in the resolution it should decrypt from");
      }
      byte[] key = mine.privateKey(res.get(j));
      byte[] ps;
      try {
        ps =
            suite.decryptWithLabel(
                key, LABEL, groupContext, cts.get(j).kemOutput(), cts.get(j).ciphertext());
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      byte[] decrypted = ps.clone();
      PrivateTree next = mine.copy();
      for (int p : TreeMath.directPath(2 * sender.value(), tree.leafCount())) {
        next.remove(NodeIndex.of(p));
      }
      try {
        for (int i = k; i < steps.size(); i++) {
          if (i > k) {
            byte[] n = suite.deriveSecret(ps, "path");
            Arrays.fill(ps, (byte) 0);
            ps = n;
          }
          NodeIndex node = steps.get(i).node();
          byte[] pub = next.putPathSecret(suite, node, ps);
          if (!MessageDigest.isEqual(pub, path.nodes().get(i).encryptionKey())) {
            throw RatchetTree.invalid(
                "the path secret for " + node + " does not give the UpdatePath's public key");
          }
        }
        next.prune(tree);
        return new Decrypted(suite.deriveSecret(ps, "path"), decrypted, next);
      } catch (MlsException e) {
        next.wipe();
        Arrays.fill(decrypted, (byte) 0);
        throw e;
      } finally {
        Arrays.fill(ps, (byte) 0);
      }
    }

    /** The tree the path was merged into. */
    public RatchetTree tree() {
      return tree;
    }
  }

  /**
   * A receiver's result: the commit secret, the path secret it decrypted (for tests and
   * diagnostics), and its private state for the new epoch.
   */
  public record Decrypted(byte[] commitSecret, byte[] pathSecret, PrivateTree privateTree) {
    @Override
    public String toString() {
      return "Decrypted[" + privateTree + "]";
    }
  }
}
