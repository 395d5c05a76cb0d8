package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.message.AuthenticatedContent;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.RatchetTreeCodec;
import io.agentwire.mls.internal.message.UpdatePath;
import io.agentwire.mls.internal.message.Wire;
import io.agentwire.testsupport.SharedVectors;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire structs of the other RFC 9420 vector files round-trip too: real trees with parent nodes,
 * unmerged leaves and blanks (tree-validation, treekem, tree-operations), real UpdatePaths
 * (treekem), tagged Proposals (tree-operations) and Welcome/KeyPackage messages (welcome).
 */
class OtherVectorsRoundTripTest {

  private static JsonNode file(String name) throws IOException {
    return new ObjectMapper().readTree(SharedVectors.file("mls/" + name).toFile());
  }

  private static byte[] hex(JsonNode n) {
    return HexFormat.of().parseHex(n.asText());
  }

  private int parents;
  private int blanks;
  private int unmerged;

  private void tree(JsonNode hex) throws Exception {
    byte[] in = hex(hex);
    List<Node> nodes = RatchetTreeCodec.decode(in);
    assertArrayEquals(in, RatchetTreeCodec.encode(nodes));
    for (Node n : nodes) {
      if (n == null) {
        blanks++;
      } else if (!n.isLeaf()) {
        parents++;
        unmerged += n.parent().unmergedLeaves().size();
      }
    }
  }

  @Test
  void treesRoundTrip() throws Exception {
    int trees = 0;
    for (JsonNode c : file("tree-validation.json")) {
      tree(c.get("tree"));
      trees++;
    }
    for (JsonNode c : file("treekem.json")) {
      tree(c.get("ratchet_tree"));
      trees++;
    }
    for (JsonNode c : file("tree-operations.json")) {
      tree(c.get("tree_before"));
      tree(c.get("tree_after"));
      trees += 2;
    }
    assertEquals(98 + 77 + 10, trees);
    assertTrue(parents > 0 && blanks > 0 && unmerged > 0, parents + " " + blanks + " " + unmerged);
  }

  @Test
  void updatePathsRoundTrip() throws Exception {
    int n = 0;
    for (JsonNode c : file("treekem.json")) {
      for (JsonNode p : c.get("update_paths")) {
        byte[] in = hex(p.get("update_path"));
        assertArrayEquals(in, Wire.decode(in, UpdatePath::read, "UpdatePath").toBytes());
        n++;
      }
    }
    assertTrue(n > 0);
  }

  @Test
  void taggedProposalsRoundTrip() throws Exception {
    for (JsonNode c : file("tree-operations.json")) {
      byte[] in = hex(c.get("proposal"));
      Proposal p = Wire.decode(in, Proposal::read, "Proposal");
      assertTrue(p.type() >= Proposal.ADD && p.type() <= Proposal.REMOVE);
      assertArrayEquals(in, p.toBytes());
    }
  }

  @Test
  void welcomesAndKeyPackagesRoundTrip() throws Exception {
    for (JsonNode c : file("welcome.json")) {
      byte[] kp = hex(c.get("key_package"));
      MlsMessage k = MlsMessage.decode(kp);
      assertEquals(MlsMessage.KEY_PACKAGE, k.wireFormat());
      assertArrayEquals(kp, k.toBytes());
      assertArrayEquals(
          Arrays.copyOfRange(kp, 4, kp.length),
          k.keyPackage().toBytes(),
          "after the 4-byte header");
      byte[] w = hex(c.get("welcome"));
      MlsMessage m = MlsMessage.decode(w);
      assertEquals(1, m.welcome().secrets().size());
      assertArrayEquals(w, m.toBytes());
    }
  }

  private static void message(JsonNode hex, int wireFormat) throws Exception {
    byte[] in = hex(hex);
    MlsMessage m = MlsMessage.decode(in);
    assertEquals(wireFormat, m.wireFormat());
    assertArrayEquals(in, m.toBytes());
  }

  /**
   * The passive-client files' key packages, Welcomes, optional ratchet trees, and every epoch's
   * proposals and commits (public or private messages) round-trip.
   */
  @Test
  void passiveClientMessagesRoundTrip() throws Exception {
    int messages = 0;
    for (String f :
        new String[] {
          "passive-client-welcome.json",
          "passive-client-handling-commit.json",
          "passive-client-random.json"
        }) {
      for (JsonNode c : file(f)) {
        message(c.get("key_package"), MlsMessage.KEY_PACKAGE);
        message(c.get("welcome"), MlsMessage.WELCOME);
        if (!c.get("ratchet_tree").isNull()) {
          tree(c.get("ratchet_tree"));
        }
        for (JsonNode e : c.get("epochs")) {
          for (JsonNode p : e.get("proposals")) {
            byte[] in = hex(p);
            assertArrayEquals(in, MlsMessage.decode(in).toBytes());
            messages++;
          }
          byte[] in = hex(e.get("commit"));
          assertArrayEquals(in, MlsMessage.decode(in).toBytes());
          messages++;
        }
      }
    }
    assertTrue(messages > 100, "messages: " + messages);
  }

  /** message-protection's plain contents and their protected forms round-trip. */
  @Test
  void messageProtectionStructsRoundTrip() throws Exception {
    for (JsonNode c : file("message-protection.json")) {
      byte[] proposal = hex(c.get("proposal"));
      assertArrayEquals(proposal, Wire.decode(proposal, Proposal::read, "Proposal").toBytes());
      byte[] commit = hex(c.get("commit"));
      assertArrayEquals(commit, Wire.decode(commit, Commit::read, "Commit").toBytes());
      message(c.get("proposal_pub"), MlsMessage.PUBLIC_MESSAGE);
      message(c.get("proposal_priv"), MlsMessage.PRIVATE_MESSAGE);
      message(c.get("commit_pub"), MlsMessage.PUBLIC_MESSAGE);
      message(c.get("commit_priv"), MlsMessage.PRIVATE_MESSAGE);
      message(c.get("application_priv"), MlsMessage.PRIVATE_MESSAGE);
    }
  }

  /** transcript-hashes' AuthenticatedContent round-trips and gives its transcript input. */
  @Test
  void authenticatedContentsRoundTrip() throws Exception {
    for (JsonNode c : file("transcript-hashes.json")) {
      byte[] in = hex(c.get("authenticated_content"));
      AuthenticatedContent ac = Wire.decode(in, AuthenticatedContent::read, "AuthenticatedContent");
      assertArrayEquals(in, ac.toBytes());
      assertEquals(FramedContent.COMMIT, ac.content().contentType());
      // ConfirmedTranscriptHashInput is AuthenticatedContent without the confirmation tag.
      byte[] tag = new TlsWriter().opaque(ac.auth().confirmationTag()).toByteArray();
      assertArrayEquals(
          Arrays.copyOf(in, in.length - tag.length), ac.confirmedTranscriptHashInput());
    }
  }
}
