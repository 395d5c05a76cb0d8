package io.agentwire.mls.schedule;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.EpochSecrets;
import io.agentwire.mls.internal.schedule.KeySchedule;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every epoch of key-schedule.json (RFC 9420 §8) for every supported suite. */
class KeyScheduleVectorTest {

  static byte[] groupContext(int suite, byte[] groupId, long epoch, byte[] treeHash, byte[] cth) {
    return new TlsWriter()
        .u16(1)
        .u16(suite)
        .opaque(groupId)
        .u64(epoch)
        .opaque(treeHash)
        .opaque(cth)
        .varint(0)
        .toByteArray();
  }

  @Test
  void everyEpochOfEverySuite() throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    int epochs = 0;
    for (JsonNode c : ScheduleVectors.load("key-schedule.json")) {
      int id = c.get("cipher_suite").asInt();
      Suite suite = ScheduleVectors.suite(id, unsupported);
      if (suite == null) {
        continue;
      }
      byte[] groupId = hex(c.get("group_id"));
      byte[] init = hex(c.get("initial_init_secret"));
      long epoch = 0;
      for (JsonNode e : c.get("epochs")) {
        String where = "suite " + id + " epoch " + epoch;
        byte[] ctx =
            groupContext(
                id,
                groupId,
                epoch,
                hex(e.get("tree_hash")),
                hex(e.get("confirmed_transcript_hash")));
        assertEquals(e.get("group_context").asText(), hex(ctx), where + " group_context");
        EpochSecrets s =
            KeySchedule.fromInit(
                suite, init, hex(e.get("commit_secret")), hex(e.get("psk_secret")), ctx);
        check(e, "joiner_secret", s.joinerSecret(), where);
        check(e, "welcome_secret", s.welcomeSecret(), where);
        check(e, "init_secret", s.initSecret(), where);
        check(e, "sender_data_secret", s.senderDataSecret(), where);
        check(e, "encryption_secret", s.encryptionSecret(), where);
        check(e, "exporter_secret", s.exporterSecret(), where);
        check(e, "epoch_authenticator", s.epochAuthenticator(), where);
        check(e, "external_secret", s.externalSecret(), where);
        check(e, "confirmation_key", s.confirmationKey(), where);
        check(e, "membership_key", s.membershipKey(), where);
        check(e, "resumption_psk", s.resumptionPsk(), where);
        check(e, "external_pub", s.externalKeyPair().publicKey(), where);
        JsonNode x = e.get("exporter");
        byte[] exported =
            s.export(
                x.get("label").asText().getBytes(StandardCharsets.UTF_8),
                hex(x.get("context")),
                x.get("length").asInt());
        check(x, "secret", exported, where + " exporter");

        // The Welcome path: the joiner_secret and psk_secret give the same epoch.
        EpochSecrets joined =
            KeySchedule.fromJoiner(suite, s.joinerSecret(), hex(e.get("psk_secret")), ctx);
        assertArrayEquals(s.epochAuthenticator(), joined.epochAuthenticator(), where);
        assertArrayEquals(
            s.welcomeSecret(),
            KeySchedule.welcomeSecret(suite, s.joinerSecret(), hex(e.get("psk_secret"))),
            where);

        if (epoch % 10 == 0) {
          // §8.3: an external committer's exported init_secret is the one members import.
          Suite.KeyPair external = s.externalKeyPair();
          Suite.HpkeExported sent = KeySchedule.externalInitSender(suite, external.publicKey());
          assertEquals(suite.hashLength(), sent.secret().length);
          assertArrayEquals(
              sent.secret(),
              KeySchedule.externalInitReceiver(suite, external.privateKey(), sent.kemOutput()),
              where + " external init");
        }

        init = s.initSecret();
        s.destroy();
        assertTrue(s.isDestroyed());
        assertThrows(IllegalStateException.class, s::initSecret);
        assertTrue(!s.toString().contains(e.get("init_secret").asText().substring(0, 8)));
        epoch++;
        epochs++;
      }
    }
    ScheduleVectors.report("key-schedule.json", unsupported, epochs);
  }

  @Test
  void aSecretOfTheWrongLengthIsMalformedNotACrash() throws Exception {
    Suite suite = ScheduleVectors.suite(1, new HashSet<>());
    byte[] ctx = new byte[] {1, 2, 3};
    MlsException e =
        assertThrows(
            MlsException.class,
            () -> KeySchedule.fromJoiner(suite, new byte[5], KeySchedule.zero(suite), ctx));
    assertEquals(MlsException.Reason.MALFORMED, e.reason());
  }

  private static void check(JsonNode e, String field, byte[] actual, String where) {
    assertEquals(e.get(field).asText(), hex(actual), where + " " + field);
  }
}
