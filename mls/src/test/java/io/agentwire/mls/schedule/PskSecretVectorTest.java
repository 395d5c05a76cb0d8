package io.agentwire.mls.schedule;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.PskSecret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every case of psk_secret.json (RFC 9420 §8.4), 0 to 10 external PSKs, every supported suite. */
class PskSecretVectorTest {

  @Test
  void everyCase() throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    int ran = 0;
    for (JsonNode c : ScheduleVectors.load("psk_secret.json")) {
      Suite suite = ScheduleVectors.suite(c.get("cipher_suite").asInt(), unsupported);
      if (suite == null) {
        continue;
      }
      List<PskSecret.Input> in = new ArrayList<>();
      for (JsonNode p : c.get("psks")) {
        in.add(
            new PskSecret.Input(
                PskSecret.externalId(hex(p.get("psk_id")), hex(p.get("psk_nonce"))),
                hex(p.get("psk"))));
      }
      String expected = c.get("psk_secret").asText();
      assertEquals(expected, hex(PskSecret.compute(suite, in)), "case " + ran);
      if (in.size() > 1) {
        // The order is part of the secret (PSKLabel's index).
        Collections.reverse(in);
        assertNotEquals(expected, hex(PskSecret.compute(suite, in)));
      }
      ran++;
    }
    ScheduleVectors.report("psk_secret.json", unsupported, ran);
  }
}
