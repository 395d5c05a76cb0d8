package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof's {@code ed25519_test.json} (RFC 8032 verification, including non-canonical {@code S},
 * wrong-length and malleated signatures) through the backend {@link SignatureFunction} MLS signs
 * and verifies with: the pure-Java backend, and whatever the provider routes Ed25519 to in this run
 * (libsodium in the native run). Every case must be judged exactly: {@code valid} verifies, {@code
 * invalid} does not; the file has no {@code acceptable} cases.
 */
class Ed25519WycheproofTest {

  @TestFactory
  Stream<DynamicTest> pureJava() {
    return cases(CryptoBackends.pureJava());
  }

  @TestFactory
  Stream<DynamicTest> routed() {
    return cases(CryptoBackends.routed());
  }

  private static Stream<DynamicTest> cases(CryptoBackend backend) {
    JsonNode root = VectorJson.load("wycheproof/ed25519_test.json");
    SignatureFunction f = backend.signature(Primitive.ED25519);
    String by = backend.status();
    List<DynamicTest> tests = new ArrayList<>();
    int[] judged = {0};
    for (JsonNode group : root.get("testGroups")) {
      byte[] pk = VectorJson.hex(group.get("publicKey").get("pk"));
      for (JsonNode tc : group.get("tests")) {
        String result = tc.get("result").asText();
        tests.add(
            DynamicTest.dynamicTest(
                "tcId " + tc.get("tcId").asInt() + " " + result + " " + tc.get("comment").asText(),
                () -> {
                  assertTrue(
                      result.equals("valid") || result.equals("invalid"),
                      "no acceptable cases expected");
                  byte[] msg = VectorJson.hex(tc.get("msg"));
                  byte[] sig = VectorJson.hex(tc.get("sig"));
                  assertEquals(result.equals("valid"), f.verify(pk, msg, 0, msg.length, sig), by);
                  judged[0]++;
                }));
      }
    }
    tests.add(
        DynamicTest.dynamicTest(
            "every case was judged",
            () ->
                assertEquals(
                    root.get("numberOfTests").asInt(),
                    judged[0],
                    "cases judged by " + backend.name())));
    return tests.stream();
  }
}
