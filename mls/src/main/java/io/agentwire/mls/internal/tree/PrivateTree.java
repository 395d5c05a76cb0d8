package io.agentwire.mls.internal.tree;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.Node;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member's private TreeKEM state (RFC 9420 §4, §7.4): the HPKE private keys it holds for its
 * own leaf and for nodes on its direct path, each with the public key it belongs to, so it can be
 * checked against the public {@link RatchetTree} without any crypto. At most log2(N) + 1 entries.
 *
 * <p>Mutable and not thread-safe; each epoch holds its own {@link #copy()}. {@link #wipe()}
 * overwrites every private key; {@code toString} never shows them.
 */
public final class PrivateTree {

  private final LeafIndex self;
  private final TreeMap<Integer, Entry> keys = new TreeMap<>();

  private record Entry(byte[] privateKey, byte[] publicKey) {}

  /** The state of the member at {@code self}, holding only its leaf's private key. */
  public PrivateTree(LeafIndex self, byte[] leafPrivateKey, byte[] leafPublicKey) {
    this.self = self;
    keys.put(2 * self.value(), new Entry(leafPrivateKey.clone(), leafPublicKey.clone()));
  }

  private PrivateTree(LeafIndex self) {
    this.self = self;
  }

  public LeafIndex self() {
    return self;
  }

  /** A copy with its own key arrays, so wiping one leaves the other intact. */
  public PrivateTree copy() {
    PrivateTree t = new PrivateTree(self);
    for (Map.Entry<Integer, Entry> e : keys.entrySet()) {
      t.keys.put(
          e.getKey(),
          new Entry(e.getValue().privateKey().clone(), e.getValue().publicKey().clone()));
    }
    return t;
  }

  /** The private key this member holds for {@code node}, a copy, or null. */
  public byte[] privateKey(NodeIndex node) {
    Entry e = keys.get(node.value());
    return e == null ? null : e.privateKey().clone();
  }

  /** Whether this member holds a private key for {@code node}. */
  public boolean has(NodeIndex node) {
    return keys.containsKey(node.value());
  }

  /** The nodes this member holds private keys for, ascending. */
  public List<NodeIndex> nodes() {
    return keys.keySet().stream().map(NodeIndex::of).toList();
  }

  /** Stores a key pair for {@code node} (copies the arrays), wiping any key it replaces. */
  public void put(NodeIndex node, byte[] privateKey, byte[] publicKey) {
    Entry old = keys.put(node.value(), new Entry(privateKey.clone(), publicKey.clone()));
    if (old != null) {
      Arrays.fill(old.privateKey(), (byte) 0);
    }
  }

  /** Forgets (and wipes) the key for {@code node}. */
  public void remove(NodeIndex node) {
    Entry old = keys.remove(node.value());
    if (old != null) {
      Arrays.fill(old.privateKey(), (byte) 0);
    }
  }

  /**
   * Sets the key pair of {@code node} from its path secret: DeriveKeyPair(DeriveSecret(path_secret,
   * "node")) (§7.4). Returns the public key.
   */
  public byte[] putPathSecret(Suite suite, NodeIndex node, byte[] pathSecret) throws MlsException {
    Suite.KeyPair kp = nodeKeyPair(suite, pathSecret);
    try {
      put(node, kp.privateKey(), kp.publicKey());
      return kp.publicKey();
    } finally {
      Arrays.fill(kp.privateKey(), (byte) 0);
    }
  }

  static Suite.KeyPair nodeKeyPair(Suite suite, byte[] pathSecret) throws MlsException {
    byte[] nodeSecret = suite.deriveSecret(pathSecret, "node");
    try {
      return suite.deriveHpkeKeyPair(nodeSecret);
    } finally {
      Arrays.fill(nodeSecret, (byte) 0);
    }
  }

  /**
   * Checks every held key against {@code tree}: the node must be non-blank, carry the same public
   * key, and be this member's leaf or on its direct path. INVALID otherwise (the TreeKEM vectors'
   * consistency check; also a join-time check that the Welcome's path secret fits the tree).
   */
  public void verifyConsistent(RatchetTree tree) throws MlsException {
    if (!tree.inRange(self)) {
      throw RatchetTree.invalid(self + " is outside the tree");
    }
    for (Map.Entry<Integer, Entry> e : keys.entrySet()) {
      int i = e.getKey();
      if (!TreeMath.isInSubtree(i, 2 * self.value()) || i >= tree.nodeWidth()) {
        throw RatchetTree.invalid("a private key for node " + i + ", not above " + self);
      }
      Node n = tree.node(NodeIndex.of(i));
      if (n == null) {
        throw RatchetTree.invalid("a private key for blank node " + i);
      }
      if (!MessageDigest.isEqual(n.encryptionKey(), e.getValue().publicKey())) {
        throw RatchetTree.invalid(
            "the private key for node " + i + " does not match its public key");
      }
    }
  }

  /**
   * Drops (and wipes) the keys whose node in {@code tree} is now blank, outside the tree or holds
   * another public key: call after applying proposals that blank paths (Update, Remove). The leaf's
   * own key is kept only while it matches the tree.
   */
  public void prune(RatchetTree tree) {
    Iterator<Map.Entry<Integer, Entry>> it = keys.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Entry> e = it.next();
      Node n = e.getKey() < tree.nodeWidth() ? tree.node(NodeIndex.of(e.getKey())) : null;
      if (n == null || !MessageDigest.isEqual(n.encryptionKey(), e.getValue().publicKey())) {
        Arrays.fill(e.getValue().privateKey(), (byte) 0);
        it.remove();
      }
    }
  }

  /** Overwrites every private key and forgets them all. */
  public void wipe() {
    for (Entry e : keys.values()) {
      Arrays.fill(e.privateKey(), (byte) 0);
    }
    keys.clear();
  }

  /**
   * The state of a member joining by Welcome (§12.4.3.1): its leaf key, plus, when the GroupSecrets
   * carry a {@code path_secret}, the keys of the committer's filtered-direct-path nodes from the
   * lowest common ancestor of the two leaves up to the root. INVALID if a derived public key
   * differs from the tree's or the ancestor is not on the committer's filtered direct path.
   */
  public static PrivateTree forJoiner(
      Suite suite,
      RatchetTree tree,
      LeafIndex self,
      byte[] leafPrivateKey,
      LeafIndex committer,
      byte[] pathSecret)
      throws MlsException {
    Node leaf = tree.node(self.node());
    if (leaf == null) {
      throw RatchetTree.invalid("the joiner's " + self + " is blank");
    }
    PrivateTree t = new PrivateTree(self, leafPrivateKey, leaf.encryptionKey());
    if (pathSecret == null) {
      return t;
    }
    tree.requireLeaf(committer);
    if (committer.equals(self)) {
      throw RatchetTree.invalid("the committer and the joiner are the same leaf");
    }
    int ancestor = TreeMath.commonAncestor(2 * self.value(), 2 * committer.value());
    List<NodeIndex> fdp = tree.filteredDirectPath(committer);
    int k = fdp.indexOf(NodeIndex.of(ancestor));
    if (k < 0) {
      throw RatchetTree.invalid(
          "the common ancestor of " + self + " and the committer is not on its filtered path");
    }
    byte[] ps = pathSecret.clone();
    try {
      for (int i = k; i < fdp.size(); i++) {
        if (i > k) {
          byte[] next = suite.deriveSecret(ps, "path");
          Arrays.fill(ps, (byte) 0);
          ps = next;
        }
        byte[] pub = t.putPathSecret(suite, fdp.get(i), ps);
        if (!MessageDigest.isEqual(pub, tree.node(fdp.get(i)).encryptionKey())) {
          t.wipe();
          throw RatchetTree.invalid(
              "the Welcome's path secret does not give the public key of " + fdp.get(i));
        }
      }
    } finally {
      Arrays.fill(ps, (byte) 0);
    }
    return t;
  }

  @Override
  public String toString() {
    return "PrivateTree[" + self + ", keys for nodes " + keys.keySet() + "]";
  }
}
