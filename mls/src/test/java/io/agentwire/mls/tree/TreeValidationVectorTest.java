package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.ParentNode;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.NodeIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import io.agentwire.testsupport.SharedVectors;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * tree-validation.json: for every case of every suite, each node's resolution and tree hash, the
 * parent hashes as at join, and every leaf signature; then tampered copies must fail.
 */
class TreeValidationVectorTest {

  static final HexFormat HEX = HexFormat.of();

  @Test
  void everyCaseOfEverySuite() throws Exception {
    JsonNode cases =
        new ObjectMapper().readTree(SharedVectors.file("mls/tree-validation.json").toFile());
    Map<Integer, Integer> perSuite = new TreeMap<>();
    for (JsonNode c : cases) {
      int id = c.get("cipher_suite").asInt();
      Suite suite = TestSuites.of(id);
      byte[] groupId = HEX.parseHex(c.get("group_id").asText());
      byte[] encoded = HEX.parseHex(c.get("tree").asText());
      RatchetTree tree = RatchetTree.decode(suite, encoded);
      assertArrayEquals(encoded, tree.encode(), "re-encoding");
      String where = "suite " + id + " case " + perSuite.getOrDefault(id, 0);
      JsonNode res = c.get("resolutions");
      JsonNode hashes = c.get("tree_hashes");
      assertEquals(tree.nodeWidth(), res.size(), where);
      for (int i = 0; i < res.size(); i++) {
        List<Integer> expected = new ArrayList<>();
        res.get(i).forEach(x -> expected.add(x.asInt()));
        List<Integer> actual =
            tree.resolution(NodeIndex.of(i)).stream().map(NodeIndex::value).toList();
        assertEquals(expected, actual, where + " resolution of " + i);
        assertArrayEquals(
            HEX.parseHex(hashes.get(i).asText()),
            tree.treeHash(NodeIndex.of(i)),
            where + " tree hash of " + i);
      }
      tree.verifyParentHashes();
      try {
        tree.verifyLeafSignatures(groupId);
      } catch (MlsException ex) {
        throw new AssertionError(where + ": " + ex.getMessage(), ex);
      }
      tree.validate(groupId);
      // A fresh tree computes the root hash in one go, the same as node by node.
      assertArrayEquals(
          HEX.parseHex(hashes.get(TreeMathRoot.of(tree)).asText()),
          RatchetTree.decode(suite, encoded).treeHash());
      tamperings(suite, encoded, groupId, where);
      perSuite.merge(id, 1, Integer::sum);
    }
    System.out.println("tree-validation cases per suite: " + perSuite);
    assertEquals(7, perSuite.size());
    perSuite.values().forEach(n -> assertEquals(14, n));
  }

  /** A flipped signature, a changed parent key, and a wrong group id must each be refused. */
  private static void tamperings(Suite suite, byte[] encoded, byte[] groupId, String where)
      throws MlsException {
    RatchetTree tree = RatchetTree.decode(suite, encoded);
    List<Node> nodes = new ArrayList<>(tree.toNodes());
    // the leaf signature
    LeafNode l0 = nodes.get(0).leaf();
    byte[] sig = l0.signature().clone();
    sig[sig.length / 2] ^= 1;
    List<Node> badSig = new ArrayList<>(nodes);
    badSig.set(0, Node.leaf(l0.withSignature(sig)));
    MlsException e =
        assertThrows(
            MlsException.class,
            () -> RatchetTree.fromNodes(suite, badSig).verifyLeafSignatures(groupId),
            where);
    assertEquals(MlsException.Reason.BAD_SIGNATURE, e.reason());
    byte[] otherGroup = groupId.clone();
    otherGroup[0] ^= 1;
    // update/commit leaves sign the group id; key_package leaves do not
    boolean anyBound = false;
    for (LeafIndex m : tree.members()) {
      anyBound |= tree.leafNode(m).leafNodeSource() != LeafNode.KEY_PACKAGE;
    }
    if (anyBound) {
      assertThrows(MlsException.class, () -> tree.verifyLeafSignatures(otherGroup), where);
    }
    // a parent node's key
    for (int i = 1; i < nodes.size(); i += 2) {
      if (nodes.get(i) != null) {
        ParentNode p = nodes.get(i).parent();
        byte[] key = p.encryptionKey().clone();
        key[1] ^= 1;
        List<Node> badParent = new ArrayList<>(nodes);
        badParent.set(i, Node.parent(new ParentNode(key, p.parentHash(), p.unmergedLeaves())));
        MlsException pe =
            assertThrows(
                MlsException.class,
                () -> RatchetTree.fromNodes(suite, badParent).verifyParentHashes(),
                where + " parent " + i);
        assertEquals(MlsException.Reason.INVALID, pe.reason());
        break;
      }
    }
    // a duplicated encryption key
    if (nodes.size() >= 3 && nodes.get(2) != null) {
      LeafNode l1 = nodes.get(2).leaf();
      List<Node> dup = new ArrayList<>(nodes);
      dup.set(
          2,
          Node.leaf(
              new LeafNode(
                  l0.encryptionKey(),
                  l1.signatureKey(),
                  l1.credential(),
                  l1.capabilities(),
                  l1.leafNodeSource(),
                  l1.lifetime(),
                  l1.parentHash(),
                  l1.extensions(),
                  l1.signature())));
      assertThrows(
          MlsException.class, () -> RatchetTree.fromNodes(suite, dup).verifyUniqueKeys(), where);
    }
  }

  /** The root's node index. */
  static final class TreeMathRoot {
    static int of(RatchetTree t) {
      return t.root().value();
    }
  }
}
