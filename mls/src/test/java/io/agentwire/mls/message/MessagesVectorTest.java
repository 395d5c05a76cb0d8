package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.Extension;
import io.agentwire.mls.internal.message.ExternalPubExtension;
import io.agentwire.mls.internal.message.GroupInfo;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.RatchetTreeExtension;
import io.agentwire.mls.message.MessageFields.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * RFC 9420 test vectors {@code messages.json}: every field of every case decodes into its typed
 * struct and re-encodes byte for byte; every truncation and every appended byte is refused with an
 * {@link MlsException}.
 */
class MessagesVectorTest {

  @Test
  void everyFieldOfEveryCaseRoundTrips() throws Exception {
    List<Sample> samples = MessageFields.samples();
    assertEquals(300 * MessageFields.DECODERS.size(), samples.size());
    for (Sample s : samples) {
      byte[] out;
      try {
        out = MessageFields.decode(s).toBytes();
      } catch (MlsException e) {
        throw new AssertionError(s + ": " + e.getMessage(), e);
      }
      assertArrayEquals(s.bytes(), out, s::toString);
    }
  }

  /** The vectors' trees, leaf nodes and key packages hold what their structs promise. */
  @Test
  void decodedStructsHoldTheirVariants() throws Exception {
    Map<String, Integer> seen = new TreeMap<>();
    for (Sample s : MessageFields.samples()) {
      Object v = MessageFields.decode(s);
      switch (s.field()) {
        case "ratchet_tree":
          countNodes(s, ((RatchetTreeExtension) v).nodes(), seen, "ratchet_tree ");
          break;
        case "mls_key_package":
          KeyPackage kp = ((MlsMessage) v).keyPackage();
          assertEquals(LeafNode.KEY_PACKAGE, kp.leafNode().leafNodeSource());
          assertArrayEquals(
              kp.toBytes(),
              concat(kp.toBeSigned(), opaque(kp.signature())),
              "KeyPackageTBS is the key package without its signature");
          break;
        case "mls_group_info":
          GroupInfo gi = ((MlsMessage) v).groupInfo();
          assertArrayEquals(gi.toBytes(), concat(gi.toBeSigned(), opaque(gi.signature())));
          for (Extension e : gi.extensions()) {
            seen.merge("group info extension " + e.extensionType(), 1, Integer::sum);
            if (e.extensionType() == Extension.RATCHET_TREE) {
              RatchetTreeExtension tree = RatchetTreeExtension.from(e);
              assertArrayEquals(e.extensionData(), tree.toBytes());
              countNodes(s, tree.nodes(), seen, "group info tree ");
            } else if (e.extensionType() == Extension.EXTERNAL_PUB) {
              ExternalPubExtension pub = ExternalPubExtension.from(e);
              assertArrayEquals(e.extensionData(), pub.toBytes());
              assertArrayEquals(
                  new TlsWriter().opaque(pub.externalPub()).toByteArray(),
                  e.extensionData(),
                  "external_pub data is opaque<V>: a length header, then the key");
            }
          }
          break;
        case "commit":
          Commit c = (Commit) v;
          seen.merge(
              c.path() == null ? "commit without path" : "commit with path", 1, Integer::sum);
          c.proposals()
              .forEach(
                  p ->
                      seen.merge(
                          p.isReference() ? "by reference" : "by value " + p.proposal().type(),
                          1,
                          Integer::sum));
          break;
        default:
          break;
      }
    }
    // The ratchet_tree field and the group infos' ratchet_tree extensions hold one-leaf trees
    // (parent nodes come from the other vector files, OtherVectorsRoundTripTest).
    assertEquals(
        true,
        seen.containsKey("ratchet_tree leaf") && seen.containsKey("group info tree leaf"),
        seen.toString());
    System.out.println("messages.json covers " + seen);
  }

  /**
   * Every truncation point of every 15th case (every point of all 300 costs 20 s, mostly in
   * building exceptions), and the first, middle and last points of every case; {@link
   * MessageMutationProperties} draws random points over all of them.
   */
  @Test
  void truncationsAreRefused() {
    for (Sample s : MessageFields.samples()) {
      byte[] in = s.bytes();
      boolean all = s.caseIndex() % 15 == 0;
      for (int n = 0; n < in.length; n++) {
        if (!all && n > 1 && n != in.length / 2 && n != in.length - 1) {
          continue;
        }
        byte[] cut = Arrays.copyOf(in, n);
        int len = n;
        assertThrows(
            MlsException.class,
            () -> MessageFields.decode(s.field(), cut),
            () -> s + " truncated to " + len);
      }
    }
  }

  @Test
  void appendedBytesAreRefused() {
    for (Sample s : MessageFields.samples()) {
      for (int extra : new int[] {0x00, 0x01, 0xff}) {
        byte[] in = Arrays.copyOf(s.bytes(), s.bytes().length + 1);
        in[in.length - 1] = (byte) extra;
        MlsException e =
            assertThrows(
                MlsException.class, () -> MessageFields.decode(s.field(), in), s::toString);
        assertEquals(MlsException.Reason.MALFORMED, e.reason(), s::toString);
      }
    }
  }

  private static void countNodes(
      Sample s, List<Node> nodes, Map<String, Integer> seen, String prefix) {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n != null) {
        // Leaves sit at even array indices, parents at odd ones (RFC 9420 §7.8).
        assertEquals(i % 2 == 0, n.isLeaf(), s + " node " + i);
        seen.merge(prefix + (n.isLeaf() ? "leaf" : "parent"), 1, Integer::sum);
      } else {
        seen.merge(prefix + "blank", 1, Integer::sum);
      }
    }
  }

  private static byte[] opaque(byte[] b) {
    return new TlsWriter().opaque(b).toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
