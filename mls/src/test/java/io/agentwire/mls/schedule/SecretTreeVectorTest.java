package io.agentwire.mls.schedule;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.SecretTree.PendingKey;
import io.agentwire.mls.internal.schedule.SecretTree.RatchetType;
import io.agentwire.mls.internal.schedule.SenderDataKeys;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every case of secret-tree.json (RFC 9420 §9, and the sender-data keys of §6.3.2): all suites, 1,
 * 8 and 32 leaves. Each listed generation is received in order, so the tree also skips forward.
 */
class SecretTreeVectorTest {

  @Test
  void everyCase() throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    int ran = 0;
    for (JsonNode c : ScheduleVectors.load("secret-tree.json")) {
      int id = c.get("cipher_suite").asInt();
      Suite suite = ScheduleVectors.suite(id, unsupported);
      if (suite == null) {
        continue;
      }
      JsonNode sd = c.get("sender_data");
      byte[] sds = hex(sd.get("sender_data_secret"));
      byte[] ct = hex(sd.get("ciphertext"));
      assertEquals(sd.get("key").asText(), hex(SenderDataKeys.key(suite, sds, ct)));
      assertEquals(sd.get("nonce").asText(), hex(SenderDataKeys.nonce(suite, sds, ct)));

      JsonNode leaves = c.get("leaves");
      SecretTree tree =
          new SecretTree(
              suite, hex(c.get("encryption_secret")), leaves.size(), SecretTree.Limits.DEFAULT);
      for (int leaf = 0; leaf < leaves.size(); leaf++) {
        for (JsonNode g : leaves.get(leaf)) {
          long gen = g.get("generation").asLong();
          String where = "suite " + id + " leaf " + leaf + " generation " + gen;
          try (PendingKey k = tree.receiveKey(leaf, RatchetType.HANDSHAKE, gen)) {
            assertEquals(g.get("handshake_key").asText(), hex(k.key()), where);
            assertEquals(g.get("handshake_nonce").asText(), hex(k.nonce()), where);
            k.commit();
          }
          try (PendingKey k = tree.receiveKey(leaf, RatchetType.APPLICATION, gen)) {
            assertEquals(g.get("application_key").asText(), hex(k.key()), where);
            assertEquals(g.get("application_nonce").asText(), hex(k.nonce()), where);
            k.commit();
          }
          ran++;
        }
      }
      tree.destroy();
    }
    ScheduleVectors.report("secret-tree.json", unsupported, ran);
  }
}
