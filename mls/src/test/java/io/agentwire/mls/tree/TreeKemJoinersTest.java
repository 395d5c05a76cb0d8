package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Lifetime;
import io.agentwire.mls.internal.message.UpdatePath;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.NodeIndex;
import io.agentwire.mls.internal.tree.PrivateTree;
import io.agentwire.mls.internal.tree.RatchetTree;
import io.agentwire.mls.internal.tree.TreeKem;
import io.agentwire.testsupport.SharedVectors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A commit that adds two members and carries a path: the path secrets are not encrypted to the
 * joiners (§7.6, §12.4.2), the other members decrypt with the same exclusion, and each joiner
 * derives the committer's path keys from the Welcome's path secret (§12.4.3.1). Runs on the
 * treekem.json trees of every implemented suite.
 */
class TreeKemJoinersTest {

  @Test
  void joinersAreExcludedAndGetTheirPathSecret() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(SharedVectors.file("mls/treekem.json").toFile());
    int ran = 0;
    for (JsonNode c : cases) {
      CipherSuite cs = CipherSuite.fromId(c.get("cipher_suite").asInt()).orElseThrow();
      if (!Suites.isSupported(cs)) {
        continue;
      }
      run(Suites.get(cs), c);
      ran++;
    }
    System.out.println("treekem joiner cases run: " + ran);
    Assumptions.assumeTrue(ran > 0, "no cipher suite is implemented yet");
  }

  private static void run(Suite suite, JsonNode c) throws Exception {
    byte[] groupId = TreeKemVectorTest.hex(c.get("group_id"));
    RatchetTree tree = RatchetTree.decode(suite, TreeKemVectorTest.hex(c.get("ratchet_tree")));
    Map<Integer, PrivateTree> privates = new HashMap<>();
    Map<Integer, byte[]> signers = new HashMap<>();
    for (JsonNode lp : c.get("leaves_private")) {
      LeafIndex me = LeafIndex.of(lp.get("index").asInt());
      PrivateTree pt =
          new PrivateTree(
              me,
              TreeKemVectorTest.hex(lp.get("encryption_priv")),
              tree.requireLeaf(me).encryptionKey());
      for (JsonNode ps : lp.get("path_secrets")) {
        pt.putPathSecret(
            suite,
            NodeIndex.of(ps.get("node").asInt()),
            TreeKemVectorTest.hex(ps.get("path_secret")));
      }
      privates.put(me.value(), pt);
      signers.put(me.value(), TreeKemVectorTest.hex(lp.get("signature_priv")));
    }
    LeafIndex committer = tree.members().get(0);
    LeafNode template = tree.requireLeaf(committer);

    // the commit's proposals: two Adds
    RatchetTree next = tree.copy();
    Map<LeafIndex, Suite.KeyPair> joinerKeys = new HashMap<>();
    for (int k = 0; k < 2; k++) {
      Suite.KeyPair kp = suite.generateHpkeKeyPair();
      byte[] sigKey = suite.generateSignatureKeyPair().publicKey();
      LeafIndex at =
          next.addLeaf(
              new LeafNode(
                  kp.publicKey(),
                  sigKey,
                  template.credential(),
                  template.capabilities(),
                  LeafNode.KEY_PACKAGE,
                  new Lifetime(0, Long.MAX_VALUE),
                  null,
                  List.of(),
                  new byte[] {1}));
      joinerKeys.put(at, kp);
    }
    Set<LeafIndex> joiners = joinerKeys.keySet();
    RatchetTree afterProposals = next.copy();

    TreeKem.Created created =
        TreeKem.create(next, committer, template, signers.get(committer.value()), groupId);
    byte[] ctx = TreeKemVectorTest.groupContext(c, next.treeHash());
    UpdatePath path = created.encrypt(ctx, joiners);
    List<RatchetTree.PathStep> steps = afterProposals.filteredPath(committer);
    assertEquals(steps.size(), path.nodes().size());
    for (int i = 0; i < steps.size(); i++) {
      List<NodeIndex> res = afterProposals.resolution(steps.get(i).copathChild(), joiners);
      assertEquals(res.size(), path.nodes().get(i).encryptedPathSecret().size());
      for (LeafIndex j : joiners) {
        assertTrue(!res.contains(j.node()), "a joiner in the resolution");
      }
    }

    for (Map.Entry<Integer, PrivateTree> e : privates.entrySet()) {
      if (e.getKey() == committer.value()) {
        continue;
      }
      RatchetTree theirs = afterProposals.copy();
      TreeKem.Merged m = TreeKem.merge(theirs, committer, path);
      byte[] theirCtx = TreeKemVectorTest.groupContext(c, theirs.treeHash());
      assertArrayEquals(ctx, theirCtx);
      assertArrayEquals(
          created.commitSecret(), m.decrypt(e.getValue(), theirCtx, joiners).commitSecret());
      // without the exclusion the ciphertext count no longer matches, which is refused
      if (!joiners.isEmpty()) {
        try {
          m.decrypt(e.getValue(), theirCtx, Set.of());
        } catch (MlsException x) {
          assertTrue(
              x.reason() == MlsException.Reason.INVALID
                  || x.reason() == MlsException.Reason.DECRYPT_FAILED);
        }
      }
    }

    // a leaf factory that does not use the path's leaf key or parent hash is refused
    MlsException wrongLeaf =
        assertThrows(
            MlsException.class,
            () -> TreeKem.create(afterProposals.copy(), committer, (key, ph) -> template));
    assertEquals(MlsException.Reason.INVALID, wrongLeaf.reason());

    for (Map.Entry<LeafIndex, Suite.KeyPair> j : joinerKeys.entrySet()) {
      byte[] ps = created.pathSecretFor(j.getKey());
      assertNotNull(ps, "path secret for " + j.getKey());
      PrivateTree pt =
          PrivateTree.forJoiner(suite, next, j.getKey(), j.getValue().privateKey(), committer, ps);
      pt.verifyConsistent(next);
      assertTrue(pt.has(next.root()), "the joiner holds the root key");
      byte[] wrong = ps.clone();
      wrong[0] ^= 1;
      MlsException x =
          assertThrows(
              MlsException.class,
              () ->
                  PrivateTree.forJoiner(
                      suite, next, j.getKey(), j.getValue().privateKey(), committer, wrong));
      assertEquals(MlsException.Reason.INVALID, x.reason());
    }
  }
}
