package io.agentwire.mls.internal.tree;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.ParentNode;
import io.agentwire.mls.internal.message.RatchetTreeCodec;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The public ratchet tree of RFC 9420 §4.1 and §7: an array of optional nodes (leaves at even
 * indices, parents at odd ones) over a power-of-two number of leaves, with the operations the group
 * state machine applies (Add, Update, Remove, merging an UpdatePath), resolutions, filtered direct
 * paths, tree hashes (§7.8), parent hashes (§7.9) and tree validation at join (§12.4.3.1).
 *
 * <p><b>Tree-hash cache.</b> Each node's tree hash is cached; changing a node forgets the cached
 * hash of that node and of its ancestors only, so after an Update, a Remove, an Add or a merged
 * UpdatePath the next {@link #treeHash()} costs O(log N) hash computations (the changed direct
 * path), not O(N). Extending the tree hashes the new all-blank right half once (O(N) at each
 * doubling, amortized O(1) per added member).
 *
 * <p><b>Copies.</b> Epochs are immutable, so the group works on {@link #copy()}: the node array and
 * the cached hashes are copied as arrays of references (the nodes and hashes themselves are
 * immutable and shared), O(N) pointer copies and no hashing.
 *
 * <p>Not thread-safe: a tree is owned by one epoch under construction; publish it only after the
 * last change. Wire-derived indices are range-checked here: {@link MlsException} with {@code
 * INVALID}, never an index exception.
 */
public final class RatchetTree {

  private static final byte[] EMPTY = new byte[0];

  private final Suite suite;
  private Node[] nodes;
  private byte[][] hashes;
  private int leafCount;

  private RatchetTree(Suite suite, Node[] nodes, byte[][] hashes, int leafCount) {
    this.suite = suite;
    this.nodes = nodes;
    this.hashes = hashes;
    this.leafCount = leafCount;
  }

  /** A one-member tree holding {@code creator} at leaf 0 (a new group, §11). */
  public static RatchetTree create(Suite suite, LeafNode creator) {
    Node[] nodes = {Node.leaf(creator)};
    return new RatchetTree(suite, nodes, new byte[1][], 1);
  }

  /**
   * The tree from the nodes of a {@code ratchet_tree} (§12.4.3.3): null for blank; the last must be
   * non-blank; leaves at even and parents at odd positions; extended with blanks to a full tree.
   * Only the shape is checked here; {@link #validate(byte[])} checks the contents.
   */
  public static RatchetTree fromNodes(Suite suite, List<Node> list) throws MlsException {
    int n = list.size();
    if (n == 0) {
      throw invalid("the ratchet tree has no nodes");
    }
    if (list.get(n - 1) == null) {
      throw invalid("the ratchet tree ends with a blank node");
    }
    int leaves = 1;
    while (TreeMath.nodeWidth(leaves) < n) {
      leaves <<= 1;
    }
    int width = TreeMath.nodeWidth(leaves);
    Node[] nodes = new Node[width];
    for (int i = 0; i < n; i++) {
      Node node = list.get(i);
      if (node != null && node.isLeaf() != TreeMath.isLeaf(i)) {
        throw invalid(
            "node " + i + " is a " + (node.isLeaf() ? "leaf" : "parent") + " in the wrong place");
      }
      nodes[i] = node;
    }
    return new RatchetTree(suite, nodes, new byte[width][], leaves);
  }

  /** {@link #fromNodes} of a TLS-encoded {@code optional<Node> ratchet_tree<V>}. */
  public static RatchetTree decode(Suite suite, byte[] encoded) throws MlsException {
    return fromNodes(suite, RatchetTreeCodec.decode(encoded));
  }

  /** Reads a {@code ratchet_tree} from {@code r}. */
  public static RatchetTree read(Suite suite, TlsReader r) throws MlsException {
    return fromNodes(suite, RatchetTreeCodec.read(r));
  }

  /** The nodes as the {@code ratchet_tree} extension carries them: trailing blanks omitted. */
  public List<Node> toNodes() {
    int end = nodes.length;
    while (end > 0 && nodes[end - 1] == null) {
      end--;
    }
    return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(nodes, end)));
  }

  public void write(TlsWriter w) {
    RatchetTreeCodec.write(w, toNodes());
  }

  public byte[] encode() {
    return RatchetTreeCodec.encode(toNodes());
  }

  /** An independent copy sharing the immutable nodes and cached hashes (O(N) references). */
  public RatchetTree copy() {
    return new RatchetTree(suite, nodes.clone(), hashes.clone(), leafCount);
  }

  public Suite suite() {
    return suite;
  }

  /** The number of leaves (a power of two), blank ones included. */
  public int leafCount() {
    return leafCount;
  }

  /** The number of nodes, {@code 2 * leafCount - 1}. */
  public int nodeWidth() {
    return nodes.length;
  }

  public NodeIndex root() {
    return NodeIndex.of(TreeMath.root(leafCount));
  }

  /** Whether {@code leaf} is inside the tree (blank or not). */
  public boolean inRange(LeafIndex leaf) {
    return leaf.value() < leafCount;
  }

  /** The node at {@code node}; null when blank or outside the tree. */
  public Node node(NodeIndex node) {
    int i = node.value();
    return i < nodes.length ? nodes[i] : null;
  }

  /** The leaf node at {@code leaf}; null when blank or outside the tree. */
  public LeafNode leafNode(LeafIndex leaf) {
    int i = leaf.value();
    if (i >= leafCount) {
      return null;
    }
    Node n = nodes[2 * i];
    return n == null ? null : n.leaf();
  }

  /** The leaf node at {@code leaf}; INVALID when blank or outside the tree. */
  public LeafNode requireLeaf(LeafIndex leaf) throws MlsException {
    LeafNode n = leafNode(leaf);
    if (n == null) {
      throw invalid(leaf + " is " + (inRange(leaf) ? "blank" : "outside the tree"));
    }
    return n;
  }

  /** The parent node at {@code node}; null when blank, a leaf position or outside the tree. */
  public ParentNode parentNode(NodeIndex node) {
    int i = node.value();
    if (i >= nodes.length || TreeMath.isLeaf(i) || nodes[i] == null) {
      return null;
    }
    return nodes[i].parent();
  }

  /** The non-blank leaves, in index order. O(N). */
  public List<LeafIndex> members() {
    List<LeafIndex> out = new ArrayList<>();
    for (int i = 0; i < leafCount; i++) {
      if (nodes[2 * i] != null) {
        out.add(LeafIndex.of(i));
      }
    }
    return out;
  }

  /** The number of non-blank leaves. O(N). */
  public int memberCount() {
    int c = 0;
    for (int i = 0; i < nodes.length; i += 2) {
      if (nodes[i] != null) {
        c++;
      }
    }
    return c;
  }

  /** Where {@link #addLeaf} would put a new member: the leftmost blank leaf, else past the end. */
  public LeafIndex nextFreeLeaf() {
    for (int i = 0; i < leafCount; i++) {
      if (nodes[2 * i] == null) {
        return LeafIndex.of(i);
      }
    }
    return LeafIndex.of(leafCount);
  }

  /** The leftmost non-blank leaf whose node satisfies {@code test}, or null. O(N). */
  public LeafIndex findLeaf(Predicate<LeafNode> test) {
    for (int i = 0; i < leafCount; i++) {
      Node n = nodes[2 * i];
      if (n != null && test.test(n.leaf())) {
        return LeafIndex.of(i);
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ changes

  /** Sets (or, with null, blanks) one node and forgets the cached hashes above it. */
  private void set(int i, Node n) {
    nodes[i] = n;
    invalidate(i);
  }

  private void invalidate(int i) {
    hashes[i] = null;
    int root = TreeMath.root(leafCount);
    while (i != root) {
      i = TreeMath.parent(i, leafCount);
      if (hashes[i] == null) {
        return; // invariant: a forgotten hash has forgotten ancestors
      }
      hashes[i] = null;
    }
  }

  private void blankDirectPath(int leafNode) {
    for (int p : TreeMath.directPath(leafNode, leafCount)) {
      if (nodes[p] != null) {
        set(p, null);
      }
    }
  }

  /**
   * Add (§12.1.1): puts {@code leaf} at the leftmost blank leaf, extending the tree when there is
   * none, and adds its index to the unmerged leaves of each non-blank parent on its direct path.
   * Returns the new member's leaf index.
   */
  public LeafIndex addLeaf(LeafNode leaf) {
    int index = nextFreeLeaf().value();
    if (index == leafCount) {
      extend();
    }
    int nodeIndex = 2 * index;
    for (int p : TreeMath.directPath(nodeIndex, leafCount)) {
      Node n = nodes[p];
      if (n != null) {
        ParentNode pn = n.parent();
        List<Integer> unmerged = new ArrayList<>(pn.unmergedLeaves().size() + 1);
        unmerged.addAll(pn.unmergedLeaves());
        unmerged.add(index);
        set(p, Node.parent(new ParentNode(pn.encryptionKey(), pn.parentHash(), unmerged)));
      }
    }
    set(nodeIndex, Node.leaf(leaf));
    return LeafIndex.of(index);
  }

  private void extend() {
    int newLeaves = leafCount * 2;
    int width = TreeMath.nodeWidth(newLeaves);
    nodes = Arrays.copyOf(nodes, width);
    hashes = Arrays.copyOf(hashes, width);
    leafCount = newLeaves;
  }

  /**
   * Update (§12.1.2): replaces the leaf at {@code leaf} and blanks its direct path. INVALID if the
   * leaf is blank or outside the tree.
   */
  public void updateLeaf(LeafIndex leaf, LeafNode replacement) throws MlsException {
    requireLeaf(leaf);
    int nodeIndex = 2 * leaf.value();
    set(nodeIndex, Node.leaf(replacement));
    blankDirectPath(nodeIndex);
  }

  /**
   * Remove (§12.1.3): blanks the leaf and its direct path, then truncates the tree while its right
   * half holds no member. INVALID if the leaf is blank or outside the tree.
   */
  public void removeLeaf(LeafIndex leaf) throws MlsException {
    requireLeaf(leaf);
    int nodeIndex = 2 * leaf.value();
    set(nodeIndex, null);
    blankDirectPath(nodeIndex);
    truncate();
  }

  private void truncate() {
    int last = leafCount - 1;
    while (last > 0 && nodes[2 * last] == null) {
      last--;
    }
    int newLeaves = leafCount;
    while (newLeaves > 1 && newLeaves / 2 > last) {
      newLeaves /= 2;
    }
    if (newLeaves != leafCount) {
      int width = TreeMath.nodeWidth(newLeaves);
      nodes = Arrays.copyOf(nodes, width);
      hashes = Arrays.copyOf(hashes, width);
      leafCount = newLeaves;
    }
  }

  // -------------------------------------------------------------- resolution

  /** The resolution of {@code node} (§4.1.1). */
  public List<NodeIndex> resolution(NodeIndex node) {
    return resolution(node, Set.of());
  }

  /**
   * The resolution of {@code node} without the leaves in {@code excluded} (the members added by the
   * same commit, §7.6 and §12.4.2). Its cost is the size of the blank region searched: O(1) per
   * copath node in a full tree, up to the subtree's size under blanks and unmerged leaves.
   */
  public List<NodeIndex> resolution(NodeIndex node, Set<LeafIndex> excluded) {
    List<NodeIndex> out = new ArrayList<>();
    if (node.value() < nodes.length) {
      resolve(node.value(), excluded, out);
    }
    return out;
  }

  private void resolve(int i, Set<LeafIndex> excluded, List<NodeIndex> out) {
    Node n = nodes[i];
    if (n != null) {
      if (n.isLeaf()) {
        if (excluded.isEmpty() || !excluded.contains(LeafIndex.of(i >>> 1))) {
          out.add(NodeIndex.of(i));
        }
      } else {
        out.add(NodeIndex.of(i));
        for (int u : n.parent().unmergedLeaves()) {
          if (u >= 0
              && u < leafCount
              && (excluded.isEmpty() || !excluded.contains(LeafIndex.of(u)))) {
            out.add(NodeIndex.of(2 * u));
          }
        }
      }
    } else if (!TreeMath.isLeaf(i)) {
      resolve(TreeMath.left(i), excluded, out);
      resolve(TreeMath.right(i), excluded, out);
    }
  }

  /** Whether the subtree under {@code i} holds any non-blank node (a non-empty resolution). */
  private boolean hasNonBlank(int i) {
    if (nodes[i] != null) {
      return true;
    }
    if (TreeMath.isLeaf(i)) {
      return false;
    }
    return hasNonBlank(TreeMath.left(i)) || hasNonBlank(TreeMath.right(i));
  }

  /** One node of a filtered direct path with its child on the copath. */
  public record PathStep(NodeIndex node, NodeIndex copathChild) {}

  /**
   * The filtered direct path of {@code leaf} (§4.1.2), bottom-up, each node with its copath child.
   * A direct-path node is dropped when its copath child's resolution is empty.
   */
  public List<PathStep> filteredPath(LeafIndex leaf) {
    int x = 2 * leaf.value();
    int[] dp = TreeMath.directPath(x, leafCount);
    int[] cp = TreeMath.copath(x, leafCount);
    List<PathStep> out = new ArrayList<>(dp.length);
    for (int i = 0; i < dp.length; i++) {
      if (hasNonBlank(cp[i])) {
        out.add(new PathStep(NodeIndex.of(dp[i]), NodeIndex.of(cp[i])));
      }
    }
    return out;
  }

  /** The nodes of {@link #filteredPath}. */
  public List<NodeIndex> filteredDirectPath(LeafIndex leaf) {
    List<NodeIndex> out = new ArrayList<>();
    for (PathStep s : filteredPath(leaf)) {
      out.add(s.node());
    }
    return out;
  }

  /** The copath children of {@link #filteredPath}. */
  public List<NodeIndex> filteredCopath(LeafIndex leaf) {
    List<NodeIndex> out = new ArrayList<>();
    for (PathStep s : filteredPath(leaf)) {
      out.add(s.copathChild());
    }
    return out;
  }

  // --------------------------------------------------------------- tree hash

  /** The tree hash of the root (§7.8), the GroupContext's {@code tree_hash}. */
  public byte[] treeHash() {
    return hash(TreeMath.root(leafCount)).clone();
  }

  /** The tree hash of the subtree under {@code node}. */
  public byte[] treeHash(NodeIndex node) {
    if (node.value() >= nodes.length) {
      throw new IllegalArgumentException(node + " is outside the tree");
    }
    return hash(node.value()).clone();
  }

  private byte[] hash(int i) {
    byte[] h = hashes[i];
    if (h == null) {
      h =
          TreeMath.isLeaf(i)
              ? leafHash(i, nodes[i])
              : parentHashInput(nodes[i], hash(TreeMath.left(i)), hash(TreeMath.right(i)));
      hashes[i] = h;
    }
    return h;
  }

  private byte[] leafHash(int i, Node n) {
    TlsWriter w = new TlsWriter(n == null ? 8 : 256);
    w.u8(Node.LEAF).u32(i >>> 1);
    w.optional(n, (x, v) -> v.leaf().encode(x));
    return suite.hash(w.toByteArray());
  }

  private byte[] parentHashInput(Node n, byte[] left, byte[] right) {
    TlsWriter w = new TlsWriter(n == null ? 80 : 160);
    w.u8(Node.PARENT);
    w.optional(n, (x, v) -> v.parent().encode(x));
    w.opaque(left).opaque(right);
    return suite.hash(w.toByteArray());
  }

  /**
   * The tree hash of {@code i} with the leaves in {@code excluded} blanked and dropped from every
   * unmerged_leaves list (the {@code original_sibling_tree_hash} of §7.9). Subtrees without an
   * excluded leaf use the cache.
   */
  private byte[] hashExcluding(int i, Set<Integer> excluded) {
    if (excluded.isEmpty() || !subtreeContainsAny(i, excluded)) {
      return hash(i);
    }
    if (TreeMath.isLeaf(i)) {
      return leafHash(i, null); // the only leaf in the subtree is excluded
    }
    Node n = nodes[i];
    if (n != null) {
      ParentNode p = n.parent();
      List<Integer> kept = new ArrayList<>();
      for (int u : p.unmergedLeaves()) {
        if (!excluded.contains(u)) {
          kept.add(u);
        }
      }
      n = Node.parent(new ParentNode(p.encryptionKey(), p.parentHash(), kept));
    }
    return parentHashInput(
        n, hashExcluding(TreeMath.left(i), excluded), hashExcluding(TreeMath.right(i), excluded));
  }

  private boolean subtreeContainsAny(int i, Set<Integer> leaves) {
    for (int u : leaves) {
      if (u >= 0 && u < leafCount && TreeMath.isInSubtree(i, 2 * u)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------- parent hash

  /**
   * The parent hash of the parent node {@code p} with copath child {@code sibling} (§7.9): Hash of
   * ParentHashInput(p.encryption_key, p.parent_hash, original_sibling_tree_hash).
   */
  private byte[] parentHashOf(ParentNode p, int sibling) {
    Set<Integer> excluded =
        p.unmergedLeaves().isEmpty() ? Set.of() : new HashSet<>(p.unmergedLeaves());
    return parentHash(p.encryptionKey(), p.parentHash(), hashExcluding(sibling, excluded));
  }

  private byte[] parentHash(byte[] encryptionKey, byte[] parentHash, byte[] siblingHash) {
    TlsWriter w = new TlsWriter(16 + encryptionKey.length + parentHash.length + siblingHash.length);
    w.opaque(encryptionKey).opaque(parentHash).opaque(siblingHash);
    return suite.hash(w.toByteArray());
  }

  /**
   * Merges an UpdatePath's parent nodes (§7.5 "merge UpdatePath into the tree"): blanks the
   * sender's direct path, sets each filtered-direct-path node to the given public key with no
   * unmerged leaves, computing the parent hashes top-down. {@code publicKeys} are bottom-up, one
   * per filtered-direct-path node (computed before the merge; INVALID on a count mismatch). Returns
   * the parent hash the sender's new leaf node must carry. The leaf itself is not touched: set it
   * with {@link #setCommitLeaf}.
   */
  public byte[] mergePathNodes(LeafIndex sender, List<byte[]> publicKeys) throws MlsException {
    requireLeaf(sender);
    List<PathStep> steps = filteredPath(sender);
    if (publicKeys.size() != steps.size()) {
      throw invalid(
          "the UpdatePath has "
              + publicKeys.size()
              + " nodes but the sender's filtered direct path has "
              + steps.size());
    }
    blankDirectPath(2 * sender.value());
    byte[] above = EMPTY;
    for (int k = steps.size() - 1; k >= 0; k--) {
      PathStep s = steps.get(k);
      byte[] pub = publicKeys.get(k);
      set(s.node().value(), Node.parent(new ParentNode(pub, above, List.of())));
      above = parentHash(pub, above, hash(s.copathChild().value()));
    }
    return above;
  }

  /**
   * Sets the committer's new leaf after {@link #mergePathNodes}: INVALID unless its source is
   * commit and its parent_hash equals {@code expectedParentHash}.
   */
  public void setCommitLeaf(LeafIndex sender, LeafNode leaf, byte[] expectedParentHash)
      throws MlsException {
    requireLeaf(sender);
    if (leaf.leafNodeSource() != LeafNode.COMMIT) {
      throw invalid("the UpdatePath's leaf node source is not commit");
    }
    if (!MessageDigest.isEqual(leaf.parentHash(), expectedParentHash)) {
      throw invalid("the committer's leaf node parent_hash does not match its path (§7.9.2)");
    }
    set(2 * sender.value(), Node.leaf(leaf));
  }

  // -------------------------------------------------------------- validation

  /**
   * Verifies that every non-blank parent node is parent-hash valid (§7.9.2, top-down: exactly one
   * descendant links to it). INVALID otherwise. Costs O(N) hashes plus the resolutions of the
   * children of each parent (O(1) each in a full tree).
   */
  public void verifyParentHashes() throws MlsException {
    for (int p = 1; p < nodes.length; p += 2) {
      Node n = nodes[p];
      if (n == null) {
        continue;
      }
      ParentNode pn = n.parent();
      int links = 0;
      for (int side = 0; side < 2; side++) {
        int c = side == 0 ? TreeMath.left(p) : TreeMath.right(p);
        int s = side == 0 ? TreeMath.right(p) : TreeMath.left(p);
        byte[] ph = parentHashOf(pn, s);
        Set<Integer> unmergedBelowC = new HashSet<>();
        for (int u : pn.unmergedLeaves()) {
          if (u >= 0 && u < leafCount && TreeMath.isInSubtree(c, 2 * u)) {
            unmergedBelowC.add(2 * u);
          }
        }
        List<NodeIndex> res = resolution(NodeIndex.of(c));
        for (NodeIndex d : res) {
          byte[] dHash = storedParentHash(nodes[d.value()]);
          if (dHash == null || !MessageDigest.isEqual(dHash, ph)) {
            continue;
          }
          Set<Integer> rest = new HashSet<>();
          for (NodeIndex r : res) {
            if (!r.equals(d)) {
              rest.add(r.value());
            }
          }
          if (rest.equals(unmergedBelowC)) {
            links++;
          }
        }
      }
      if (links != 1) {
        throw invalid(
            "parent node "
                + p
                + " is not parent-hash valid: "
                + links
                + " descendants link to it (§7.9.2)");
      }
    }
  }

  private static byte[] storedParentHash(Node n) {
    if (n == null) {
      return null;
    }
    if (n.isLeaf()) {
      LeafNode l = n.leaf();
      return l.leafNodeSource() == LeafNode.COMMIT ? l.parentHash() : null;
    }
    return n.parent().parentHash();
  }

  /** Verifies the signature of the leaf at {@code leaf} (LeafNodeTBS, §7.2); BAD_SIGNATURE. */
  public void verifyLeafSignature(byte[] groupId, LeafIndex leaf) throws MlsException {
    LeafNode l = requireLeaf(leaf);
    if (!verifyLeafNodeSignature(suite, l, groupId, leaf)) {
      throw new MlsException(
          MlsException.Reason.BAD_SIGNATURE, "the signature of " + leaf + " does not verify");
    }
  }

  /** Whether {@code leaf}'s signature verifies as the leaf node at {@code index} of the group. */
  public static boolean verifyLeafNodeSignature(
      Suite suite, LeafNode leaf, byte[] groupId, LeafIndex index) {
    return suite.verifyWithLabel(
        leaf.signatureKey(),
        "LeafNodeTBS",
        leaf.toBeSigned(groupId, index.value()),
        leaf.signature());
  }

  /** Verifies every non-blank leaf's signature; BAD_SIGNATURE on the first that fails. */
  public void verifyLeafSignatures(byte[] groupId) throws MlsException {
    for (int i = 0; i < leafCount; i++) {
      if (nodes[2 * i] != null) {
        verifyLeafSignature(groupId, LeafIndex.of(i));
      }
    }
  }

  /**
   * Verifies the unmerged-leaves rules of §12.4.3.1: each entry is a non-blank leaf below its
   * parent node, listed by every non-blank node between them, and not repeated. INVALID otherwise.
   */
  public void verifyUnmergedLeaves() throws MlsException {
    for (int p = 1; p < nodes.length; p += 2) {
      Node n = nodes[p];
      if (n == null) {
        continue;
      }
      List<Integer> unmerged = n.parent().unmergedLeaves();
      Set<Integer> seen = new HashSet<>();
      for (int u : unmerged) {
        if (u < 0 || u >= leafCount || nodes[2 * u] == null) {
          throw invalid(
              "parent node " + p + " lists unmerged leaf " + u + ", which is not a member");
        }
        if (!TreeMath.isInSubtree(p, 2 * u)) {
          throw invalid("parent node " + p + " lists unmerged leaf " + u + ", not below it");
        }
        if (!seen.add(u)) {
          throw invalid("parent node " + p + " lists unmerged leaf " + u + " twice");
        }
        for (int q = TreeMath.parent(2 * u, leafCount); q != p; q = TreeMath.parent(q, leafCount)) {
          Node between = nodes[q];
          if (between != null && !between.parent().unmergedLeaves().contains(u)) {
            throw invalid(
                "leaf "
                    + u
                    + " is unmerged at node "
                    + p
                    + " but not at node "
                    + q
                    + " between them");
          }
        }
      }
    }
  }

  /**
   * Verifies that no HPKE encryption key appears in two nodes and no signature key in two leaves
   * (§7.3, §12.4.3.1). INVALID otherwise.
   */
  public void verifyUniqueKeys() throws MlsException {
    Map<Key, Integer> encryption = new HashMap<>();
    Map<Key, Integer> signature = new HashMap<>();
    for (int i = 0; i < nodes.length; i++) {
      Node n = nodes[i];
      if (n == null) {
        continue;
      }
      Integer prev = encryption.put(new Key(n.encryptionKey()), i);
      if (prev != null) {
        throw invalid("nodes " + prev + " and " + i + " have the same encryption key");
      }
      if (n.isLeaf()) {
        prev = signature.put(new Key(n.leaf().signatureKey()), i);
        if (prev != null) {
          throw invalid(
              "leaves " + (prev >>> 1) + " and " + (i >>> 1) + " have the same signature key");
        }
      }
    }
  }

  /**
   * The tree checks of joining (§12.4.3.1) that need no group policy: parent hashes, every leaf's
   * signature (with {@code groupId}), unmerged-leaves consistency and unique keys. The caller
   * compares {@link #treeHash()} with the GroupInfo and applies the leaf-node rules of §7.3 that
   * depend on the group (capabilities, credentials, lifetimes). INVALID or BAD_SIGNATURE.
   */
  public void validate(byte[] groupId) throws MlsException {
    verifyUniqueKeys();
    verifyUnmergedLeaves();
    verifyParentHashes();
    verifyLeafSignatures(groupId);
  }

  static MlsException invalid(String what) {
    return new MlsException(MlsException.Reason.INVALID, what);
  }

  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
