package io.agentwire.mls.schedule;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.TranscriptHashes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every case of transcript-hashes.json (RFC 9420 §8.2), every supported suite. */
class TranscriptHashVectorTest {

  @Test
  void everyCase() throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    int ran = 0;
    for (JsonNode c : ScheduleVectors.load("transcript-hashes.json")) {
      Suite suite = ScheduleVectors.suite(c.get("cipher_suite").asInt(), unsupported);
      if (suite == null) {
        continue;
      }
      byte[] ac = hex(c.get("authenticated_content"));
      // AuthenticatedContent of a commit ends with confirmation_tag<V>, an Nh-byte MAC whose
      // length header is Nh (one byte below 64, two from 64 on); everything before it is the
      // ConfirmedTranscriptHashInput.
      int nh = suite.hashLength();
      byte[] header = new TlsWriter().varint(nh).toByteArray();
      int start = ac.length - nh - header.length;
      assertArrayEquals(
          header, Arrays.copyOfRange(ac, start, ac.length - nh), "confirmation tag header");
      byte[] confirmedInput = Arrays.copyOf(ac, start);
      byte[] tag = Arrays.copyOfRange(ac, ac.length - nh, ac.length);

      byte[] confirmed =
          TranscriptHashes.confirmed(
              suite, hex(c.get("interim_transcript_hash_before")), confirmedInput);
      assertEquals(c.get("confirmed_transcript_hash_after").asText(), hex(confirmed));
      assertEquals(
          c.get("interim_transcript_hash_after").asText(),
          hex(TranscriptHashes.interim(suite, confirmed, tag)));

      byte[] key = hex(c.get("confirmation_key"));
      assertArrayEquals(tag, suite.mac(key, confirmed), "confirmation_tag");
      assertTrue(suite.verifyMac(key, confirmed, tag));
      confirmed[0] ^= 1;
      assertFalse(suite.verifyMac(key, confirmed, tag));
      ran++;
    }
    ScheduleVectors.report("transcript-hashes.json", unsupported, ran);
  }
}
