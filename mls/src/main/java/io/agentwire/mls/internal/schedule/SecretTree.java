package io.agentwire.mls.internal.schedule;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * One epoch's secret tree (RFC 9420 §9): the encryption_secret at the root of a binary tree shaped
 * like the ratchet tree, and for each leaf a handshake and an application hash ratchet that hand
 * out one AEAD key and nonce per generation.
 *
 * <p><b>Lazy, with the deletion schedule of §9.2.</b> Nothing is derived up front: a leaf's
 * ratchets are derived from its nearest not-yet-expanded ancestor the first time the leaf is used,
 * and every node secret is deleted (overwritten) as soon as its children are derived, so the tree
 * holds O(log N) node secrets per leaf used and never all 2N. Each ratchet keeps only its next
 * secret; a key and nonce are handed out once and then deleted.
 *
 * <p><b>Bounds ({@link Limits}).</b> A receiver may jump at most {@link Limits#maxForwardGap()}
 * generations ahead of a ratchet (the check comes before any derivation, so a message claiming
 * generation 4,294,967,295 fails at once with {@link Reason#LIMIT_EXCEEDED}). Keys of generations
 * skipped over are kept for out-of-order messages, at most {@link Limits#maxSkippedPerLeaf()} per
 * leaf (both ratchets together) and {@link Limits#maxSkippedTotal()} in the tree; past either bound
 * the oldest skipped key is deleted. A generation below the ratchet that has no retained key is
 * {@link Reason#SECRET_CONSUMED}.
 *
 * <p><b>Tentative derivation.</b> {@link #receiveKey} derives a key without changing the tree and
 * returns a {@link PendingKey}; only {@link PendingKey#commit()}, called once the AEAD has opened
 * (and whatever else the caller checks has passed), consumes the key, advances the ratchet and
 * stores skipped keys. A pending key whose decryption failed is simply closed, and the tree is as
 * it was. {@link #sendKey} consumes at once: a sender must never reuse a generation.
 *
 * <p>Thread-safe: every method synchronizes on the tree, so concurrent senders get distinct
 * generations. A {@link PendingKey} commits only if the tree has not changed since it was derived
 * ({@link Reason#STATE} otherwise; derive again). {@link #destroy()} wipes every secret.
 */
public final class SecretTree implements Destroyable {

  /** Which of a leaf's two ratchets (§9.1). */
  public enum RatchetType {
    /** Proposals and commits sent as PrivateMessage. */
    HANDSHAKE("handshake"),
    /** Application data. */
    APPLICATION("application");

    final String label;

    RatchetType(String label) {
      this.label = label;
    }
  }

  /**
   * The bounds a tree enforces on received generations.
   *
   * @param maxForwardGap how many generations a received message may skip ahead of its ratchet
   * @param maxSkippedPerLeaf how many skipped-over keys one leaf keeps (both ratchets)
   * @param maxSkippedTotal how many skipped-over keys the whole tree keeps
   */
  public record Limits(int maxForwardGap, int maxSkippedPerLeaf, int maxSkippedTotal) {

    /** A gap of 1,000; 256 retained keys per leaf, 4,096 in the tree. */
    public static final Limits DEFAULT = new Limits(1000, 256, 4096);

    public Limits {
      if (maxForwardGap < 0 || maxSkippedPerLeaf < 0 || maxSkippedTotal < 0) {
        throw new IllegalArgumentException("negative limit");
      }
    }
  }

  /** The largest leaf count a tree accepts (node indices stay ints). */
  public static final int MAX_LEAVES = 1 << 30;

  /** The largest generation: generations are uint32 on the wire. */
  public static final long MAX_GENERATION = 0xffffffffL;

  private static final byte[] LEFT = "left".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RIGHT = "right".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];

  private final Suite suite;
  private final int leafCount;
  private final int root;
  private final Limits limits;

  /** Node secrets not yet expanded into their children. */
  private final Map<Integer, byte[]> nodes = new HashMap<>();

  /** Leaves whose ratchets exist. */
  private final Map<Integer, Leaf> leaves = new HashMap<>();

  /** Every retained skipped key, oldest first (ids from {@link #skipId}). */
  private final LinkedHashSet<Long> skippedOrder = new LinkedHashSet<>();

  private long version;
  private boolean destroyed;

  /**
   * A tree with {@code leafCount} leaves (the ratchet tree's leaf count, at least 1) rooted at
   * {@code encryptionSecret}, which is copied.
   */
  public SecretTree(Suite suite, byte[] encryptionSecret, int leafCount, Limits limits)
      throws MlsException {
    this.suite = Objects.requireNonNull(suite, "suite");
    this.limits = Objects.requireNonNull(limits, "limits");
    if (leafCount < 1 || leafCount > MAX_LEAVES) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "secret tree of " + leafCount + " leaves");
    }
    if (encryptionSecret.length != suite.hashLength()) {
      throw new MlsException(Reason.MALFORMED, "encryption_secret is not Nh bytes");
    }
    this.leafCount = leafCount;
    int width = Integer.highestOneBit(leafCount);
    if (width < leafCount) {
      width <<= 1;
    }
    this.root = width - 1;
    nodes.put(root, encryptionSecret.clone());
  }

  /** The number of leaves. */
  public int leafCount() {
    return leafCount;
  }

  /** The bounds in force. */
  public Limits limits() {
    return limits;
  }

  /**
   * The key and nonce for the next generation of {@code leaf}'s ratchet, consumed at once: the
   * sender's side of §9.1.
   *
   * @throws MlsException INVALID for a leaf outside the tree, LIMIT_EXCEEDED once the ratchet has
   *     used its last generation, STATE after {@link #destroy()}
   */
  public synchronized PendingKey sendKey(int leaf, RatchetType type) throws MlsException {
    checkLeaf(leaf);
    Leaf state = leaves.get(leaf);
    long next = state == null ? 0 : state.ratchet(type).next;
    if (next > MAX_GENERATION) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "ratchet has used every generation");
    }
    PendingKey k = plan(leaf, type, next);
    k.commit();
    return k;
  }

  /**
   * Derives, without changing the tree, the key and nonce of {@code generation} in {@code leaf}'s
   * ratchet: the receiver's side of §9.1. Call {@link PendingKey#commit()} once the message has
   * decrypted; {@link PendingKey#close()} always.
   *
   * @throws MlsException INVALID for a leaf outside the tree; LIMIT_EXCEEDED for a generation more
   *     than {@link Limits#maxForwardGap()} ahead (or not a uint32); SECRET_CONSUMED for a
   *     generation already used or whose key was deleted; STATE after {@link #destroy()}
   */
  public synchronized PendingKey receiveKey(int leaf, RatchetType type, long generation)
      throws MlsException {
    checkLeaf(leaf);
    if (generation < 0 || generation > MAX_GENERATION) {
      throw new MlsException(Reason.LIMIT_EXCEEDED, "generation " + generation + " not a uint32");
    }
    return plan(leaf, type, generation);
  }

  /**
   * Runs {@code use} with the key and nonce of {@code generation} and commits them only if it
   * returns normally: {@link #receiveKey}, {@link PendingKey#commit()} and {@link
   * PendingKey#close()} in one.
   */
  public <T> T withReceiveKey(int leaf, RatchetType type, long generation, KeyUse<T> use)
      throws MlsException {
    try (PendingKey k = receiveKey(leaf, type, generation)) {
      T result = use.apply(k.key(), k.nonce());
      k.commit();
      return result;
    }
  }

  /** What {@link #withReceiveKey} runs: typically AEAD.Open. */
  @FunctionalInterface
  public interface KeyUse<T> {
    T apply(byte[] key, byte[] nonce) throws MlsException;
  }

  private void checkLeaf(int leaf) throws MlsException {
    if (destroyed) {
      throw new MlsException(Reason.STATE, "secret tree destroyed");
    }
    if (leaf < 0 || leaf >= leafCount) {
      throw new MlsException(
          Reason.INVALID, "leaf " + leaf + " outside a secret tree of " + leafCount + " leaves");
    }
  }

  private PendingKey plan(int leaf, RatchetType type, long generation) throws MlsException {
    Leaf state = leaves.get(leaf);
    long next = state == null ? 0 : state.ratchet(type).next;
    if (generation < next) {
      KeyNonce kept = state.skipped.get(skipId(leaf, type, generation));
      if (kept == null) {
        throw new MlsException(
            Reason.SECRET_CONSUMED,
            type.label + " generation " + generation + " of leaf " + leaf + " already used");
      }
      PendingKey k = new PendingKey(this, leaf, type, generation);
      k.key = kept.key.clone();
      k.nonce = kept.nonce.clone();
      k.consumesSkipped = true;
      return k;
    }
    long gap = generation - next;
    if (gap > limits.maxForwardGap()) {
      throw new MlsException(
          Reason.LIMIT_EXCEEDED,
          "generation "
              + generation
              + " is "
              + gap
              + " ahead of the ratchet; at most "
              + limits.maxForwardGap()
              + " allowed");
    }
    PendingKey k = new PendingKey(this, leaf, type, generation);
    byte[] secret;
    if (state == null) {
      deriveLeaf(leaf, k);
      secret = (type == RatchetType.HANDSHAKE ? k.newHandshake : k.newApplication).clone();
    } else {
      secret = state.ratchet(type).secret.clone();
    }
    long retainFrom = generation - Math.min(gap, limits.maxSkippedPerLeaf());
    for (long g = next; g < generation; g++) {
      if (g >= retainFrom) {
        k.newSkipped.add(
            new Skipped(
                g,
                new KeyNonce(
                    treeSecret(secret, "key", g, suite.aeadKeyLength()),
                    treeSecret(secret, "nonce", g, suite.aeadNonceLength()))));
      }
      byte[] following = treeSecret(secret, "secret", g, suite.hashLength());
      Labels.wipe(secret);
      secret = following;
    }
    k.key = treeSecret(secret, "key", generation, suite.aeadKeyLength());
    k.nonce = treeSecret(secret, "nonce", generation, suite.aeadNonceLength());
    k.newSecret = treeSecret(secret, "secret", generation, suite.hashLength());
    Labels.wipe(secret);
    return k;
  }

  /** Plans the derivation of {@code leaf}'s ratchets from its nearest unexpanded ancestor. */
  private void deriveLeaf(int leaf, PendingKey k) throws MlsException {
    int target = 2 * leaf;
    int node = root;
    while (!nodes.containsKey(node)) {
      if (node == target) {
        throw new MlsException(Reason.STATE, "secret tree lost the path to leaf " + leaf);
      }
      node = child(node, target);
    }
    k.expandedNode = node;
    byte[] secret = nodes.get(node).clone();
    while (node != target) {
      int level = Integer.numberOfTrailingZeros(~node);
      int left = node ^ (1 << (level - 1));
      int right = node ^ (3 << (level - 1));
      byte[] l = suite.expandWithLabel(secret, "tree", LEFT, suite.hashLength());
      byte[] r = suite.expandWithLabel(secret, "tree", RIGHT, suite.hashLength());
      Labels.wipe(secret);
      if (target < node) {
        k.newNodes.put(right, r);
        secret = l;
        node = left;
      } else {
        k.newNodes.put(left, l);
        secret = r;
        node = right;
      }
    }
    k.newHandshake = suite.expandWithLabel(secret, "handshake", EMPTY, suite.hashLength());
    k.newApplication = suite.expandWithLabel(secret, "application", EMPTY, suite.hashLength());
    Labels.wipe(secret);
  }

  private static int child(int node, int target) {
    int level = Integer.numberOfTrailingZeros(~node);
    return target < node ? node ^ (1 << (level - 1)) : node ^ (3 << (level - 1));
  }

  /** DeriveTreeSecret(secret, label, generation, length) (§9). */
  private byte[] treeSecret(byte[] secret, String label, long generation, int length) {
    return suite.expandWithLabel(secret, label, Labels.u32(generation), length);
  }

  private static long skipId(int leaf, RatchetType type, long generation) {
    return ((long) leaf << 33) | ((long) type.ordinal() << 32) | generation;
  }

  private synchronized void apply(PendingKey k) throws MlsException {
    if (destroyed) {
      throw new MlsException(Reason.STATE, "secret tree destroyed");
    }
    if (k.version != version) {
      throw new MlsException(
          Reason.STATE, "secret tree changed since this key was derived; derive it again");
    }
    version++;
    if (k.expandedNode >= 0) {
      Labels.wipe(nodes.remove(k.expandedNode));
      nodes.putAll(k.newNodes);
      leaves.put(k.leaf, new Leaf(new Ratchet(k.newHandshake), new Ratchet(k.newApplication)));
      k.newHandshake = null;
      k.newApplication = null;
      k.newNodes.clear();
    }
    Leaf state = leaves.get(k.leaf);
    long id = skipId(k.leaf, k.type, k.generation);
    if (k.consumesSkipped) {
      KeyNonce kept = state.skipped.remove(id);
      skippedOrder.remove(id);
      if (kept != null) {
        kept.wipe();
      }
      return;
    }
    Ratchet r = state.ratchet(k.type);
    Labels.wipe(r.secret);
    r.secret = k.newSecret;
    r.next = k.generation + 1;
    k.newSecret = null;
    for (Skipped s : k.newSkipped) {
      long sid = skipId(k.leaf, k.type, s.generation);
      state.skipped.put(sid, s.keyNonce);
      skippedOrder.add(sid);
    }
    k.newSkipped.clear();
    while (state.skipped.size() > limits.maxSkippedPerLeaf()) {
      Iterator<Map.Entry<Long, KeyNonce>> it = state.skipped.entrySet().iterator();
      Map.Entry<Long, KeyNonce> eldest = it.next();
      it.remove();
      skippedOrder.remove(eldest.getKey());
      eldest.getValue().wipe();
    }
    while (skippedOrder.size() > limits.maxSkippedTotal()) {
      Iterator<Long> it = skippedOrder.iterator();
      long eldest = it.next();
      it.remove();
      KeyNonce kn = leaves.get((int) (eldest >>> 33)).skipped.remove(eldest);
      if (kn != null) {
        kn.wipe();
      }
    }
  }

  /** How many skipped-over keys the tree holds now (for tests and metrics). */
  public synchronized int retainedSkippedKeys() {
    return skippedOrder.size();
  }

  /** How many node secrets the tree holds now, not counting ratchets (for tests and metrics). */
  public synchronized int retainedNodeSecrets() {
    return nodes.size();
  }

  @Override
  public synchronized void destroy() {
    destroyed = true;
    version++;
    for (byte[] s : nodes.values()) {
      Labels.wipe(s);
    }
    nodes.clear();
    for (Leaf l : leaves.values()) {
      Labels.wipe(l.handshake.secret, l.application.secret);
      for (KeyNonce kn : l.skipped.values()) {
        kn.wipe();
      }
    }
    leaves.clear();
    skippedOrder.clear();
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "SecretTree[" + leafCount + " leaves" + (destroyed ? ", destroyed]" : "]");
  }

  /**
   * A key and nonce from the tree. For a received message it is tentative until {@link #commit()};
   * {@link #close()} wipes the key and nonce (and, if uncommitted, everything derived with them).
   * Not thread-safe; one owner.
   */
  public static final class PendingKey implements AutoCloseable {
    private final SecretTree tree;
    private final long version;
    private final int leaf;
    private final RatchetType type;
    private final long generation;
    private byte[] key;
    private byte[] nonce;
    private boolean consumesSkipped;
    private int expandedNode = -1;
    private final Map<Integer, byte[]> newNodes = new HashMap<>();
    private byte[] newHandshake;
    private byte[] newApplication;
    private byte[] newSecret;
    private final List<Skipped> newSkipped = new ArrayList<>();
    private boolean committed;
    private boolean closed;

    private PendingKey(SecretTree tree, int leaf, RatchetType type, long generation) {
      this.tree = tree;
      this.version = tree.version;
      this.leaf = leaf;
      this.type = type;
      this.generation = generation;
    }

    /** The leaf whose ratchet this came from. */
    public int leaf() {
      return leaf;
    }

    /** The generation (what a sender puts in SenderData). */
    public long generation() {
      return generation;
    }

    /** The AEAD key; this array, valid until {@link #close()}. */
    public byte[] key() {
      checkOpen();
      return key;
    }

    /** The AEAD nonce, before the reuse guard; this array, valid until {@link #close()}. */
    public byte[] nonce() {
      checkOpen();
      return nonce;
    }

    /** Whether {@link #commit()} has run. */
    public boolean isCommitted() {
      return committed;
    }

    /**
     * Consumes the key: advances the ratchet past it and stores the keys it skipped. Idempotent.
     *
     * @throws MlsException STATE if the tree changed (or was destroyed) since this was derived
     */
    public void commit() throws MlsException {
      checkOpen();
      if (!committed) {
        tree.apply(this);
        committed = true;
      }
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("pending key closed");
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      Labels.wipe(key, nonce, newHandshake, newApplication, newSecret);
      for (byte[] s : newNodes.values()) {
        Labels.wipe(s);
      }
      for (Skipped s : newSkipped) {
        s.keyNonce.wipe();
      }
    }

    @Override
    public String toString() {
      return "PendingKey[leaf " + leaf + ", " + type + ", generation " + generation + "]";
    }
  }

  private static final class Ratchet {
    long next;
    byte[] secret;

    Ratchet(byte[] secret) {
      this.secret = secret;
    }
  }

  private static final class Leaf {
    final Ratchet handshake;
    final Ratchet application;
    final LinkedHashMap<Long, KeyNonce> skipped = new LinkedHashMap<>();

    Leaf(Ratchet handshake, Ratchet application) {
      this.handshake = handshake;
      this.application = application;
    }

    Ratchet ratchet(RatchetType t) {
      return t == RatchetType.HANDSHAKE ? handshake : application;
    }
  }

  private static final class KeyNonce {
    final byte[] key;
    final byte[] nonce;

    KeyNonce(byte[] key, byte[] nonce) {
      this.key = key;
      this.nonce = nonce;
    }

    void wipe() {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(nonce, (byte) 0);
    }
  }

  private record Skipped(long generation, KeyNonce keyNonce) {}
}
