package io.agentwire.mls.codec;

import static io.agentwire.testsupport.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.testsupport.SharedVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the IETF deserialization vectors (shared/vectors/mls/deserialization.json): the
 * variable-size length headers of RFC 9420 §2.1.2 read to their length, and the length written back
 * is the same header (the shortest form); an opaque vector with that header and body reads back
 * whole, and one whose body is missing is refused as malformed.
 */
class DeserializationVectorTest {

  static List<JsonNode> cases() throws Exception {
    JsonNode root =
        new ObjectMapper().readTree(SharedVectors.file("mls/deserialization.json").toFile());
    List<JsonNode> out = new ArrayList<>();
    root.forEach(out::add);
    assertEquals(14, out.size(), "cases in deserialization.json");
    return out;
  }

  @ParameterizedTest(name = "header {index}")
  @MethodSource("cases")
  void headerReadsToItsLengthAndWritesBack(JsonNode c) throws Exception {
    byte[] header = hex(c.get("vlbytes_header").asText());
    int length = c.get("length").asInt();
    TlsReader r = new TlsReader(header);
    assertEquals(length, r.varint());
    r.finish("header");
    assertArrayEquals(header, new TlsWriter().varint(length).toByteArray());
  }

  @ParameterizedTest(name = "header {index}")
  @MethodSource("cases")
  void opaqueWithTheHeader(JsonNode c) throws Exception {
    byte[] header = hex(c.get("vlbytes_header").asText());
    int length = c.get("length").asInt();
    // Without its body the vector is truncated, whatever the length claims.
    if (length > 0) {
      MlsException e = assertThrows(MlsException.class, () -> new TlsReader(header).opaque());
      assertEquals(MlsException.Reason.MALFORMED, e.reason());
    }
    if (length > 1 << 20) {
      return; // a 1 GiB body is not worth building; the header and truncation are checked above
    }
    byte[] body = new byte[length];
    for (int i = 0; i < length; i++) {
      body[i] = (byte) (i * 7);
    }
    byte[] encoded = new TlsWriter().opaque(body).toByteArray();
    assertEquals(header.length + length, encoded.length);
    assertArrayEquals(header, java.util.Arrays.copyOf(encoded, header.length));
    TlsReader r = new TlsReader(encoded);
    assertArrayEquals(body, r.opaque());
    r.finish("vector");
  }

  @Test
  void nonMinimalAndReservedHeadersAreRefused() {
    for (String bad :
        new String[] {"4000", "403f", "80000000", "80003fff", "c0000000", "ff", "40", "800000"}) {
      MlsException e =
          assertThrows(MlsException.class, () -> new TlsReader(hex(bad)).varint(), bad);
      assertEquals(MlsException.Reason.MALFORMED, e.reason(), bad);
    }
  }
}
