package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import io.agentwire.testsupport.SharedVectors;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * tree-operations.json: apply the Add, Update or Remove proposal from proposal_sender to
 * tree_before and get tree_after byte for byte, with both tree hashes. The three proposal bodies
 * are parsed here (type, then KeyPackage / LeafNode / u32) to keep this test independent of the
 * proposal structs.
 */
class TreeOperationsVectorTest {

  static final HexFormat HEX = HexFormat.of();

  @Test
  void everyCase() throws Exception {
    JsonNode cases =
        new ObjectMapper().readTree(SharedVectors.file("mls/tree-operations.json").toFile());
    Map<String, Integer> kinds = new TreeMap<>();
    for (JsonNode c : cases) {
      Suite suite = TestSuites.of(c.get("cipher_suite").asInt());
      RatchetTree tree = RatchetTree.decode(suite, HEX.parseHex(c.get("tree_before").asText()));
      assertArrayEquals(HEX.parseHex(c.get("tree_hash_before").asText()), tree.treeHash());
      RatchetTree before = tree.copy();
      byte[] beforeHash = tree.treeHash();
      LeafIndex sender = LeafIndex.of(c.get("proposal_sender").asInt());
      TlsReader r = new TlsReader(HEX.parseHex(c.get("proposal").asText()));
      int type = r.u16();
      switch (type) {
        case 1 -> {
          r.u16(); // version
          r.u16(); // cipher suite
          r.opaque(); // init key
          LeafNode leaf = LeafNode.read(r);
          r.vectorBody(); // extensions
          r.opaque(); // signature
          tree.addLeaf(leaf);
          kinds.merge("add", 1, Integer::sum);
        }
        case 2 -> {
          tree.updateLeaf(sender, LeafNode.read(r));
          kinds.merge("update", 1, Integer::sum);
        }
        case 3 -> {
          tree.removeLeaf(LeafIndex.of((int) r.u32()));
          kinds.merge("remove", 1, Integer::sum);
        }
        default -> throw new AssertionError("proposal type " + type);
      }
      r.finish("proposal");
      byte[] after = HEX.parseHex(c.get("tree_after").asText());
      assertEquals(HEX.formatHex(after), HEX.formatHex(tree.encode()));
      assertArrayEquals(HEX.parseHex(c.get("tree_hash_after").asText()), tree.treeHash());
      // the incrementally updated hash equals a fresh computation over the same tree
      assertArrayEquals(RatchetTree.decode(suite, after).treeHash(), tree.treeHash());
      // the copy taken before is untouched
      assertArrayEquals(beforeHash, before.treeHash());
      assertEquals(c.get("tree_before").asText(), HEX.formatHex(before.encode()));
    }
    assertEquals(Map.of("add", 2, "remove", 2, "update", 1), kinds);
  }

  @Test
  void removingOrUpdatingABlankOrMissingLeafIsInvalid() throws Exception {
    JsonNode c =
        new ObjectMapper().readTree(SharedVectors.file("mls/tree-operations.json").toFile()).get(0);
    Suite suite = TestSuites.of(c.get("cipher_suite").asInt());
    RatchetTree tree = RatchetTree.decode(suite, HEX.parseHex(c.get("tree_before").asText()));
    LeafIndex outside = LeafIndex.of(tree.leafCount());
    MlsException e = assertThrows(MlsException.class, () -> tree.removeLeaf(outside));
    assertEquals(MlsException.Reason.INVALID, e.reason());
    LeafNode some = tree.leafNode(tree.members().get(0));
    assertThrows(MlsException.class, () -> tree.updateLeaf(outside, some));
    assertThrows(MlsException.class, () -> tree.removeLeaf(LeafIndex.of(Integer.MAX_VALUE)));
  }
}
