package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.RatchetTreeCodec;
import io.agentwire.mls.internal.message.Wire;
import io.agentwire.testsupport.SharedVectors;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9420 test vectors {@code messages.json}: every field decodes and re-encodes exactly. */
class MessagesVectorTest {

  static JsonNode cases() throws IOException {
    return new ObjectMapper().readTree(SharedVectors.file("mls/messages.json").toFile());
  }

  static byte[] hex(JsonNode c, String field) {
    return HexFormat.of().parseHex(c.get(field).asText());
  }

  @Test
  void ratchetTreesRoundTrip() throws Exception {
    int n = 0;
    for (JsonNode c : cases()) {
      byte[] in = hex(c, "ratchet_tree");
      List<Node> nodes = RatchetTreeCodec.decode(in);
      assertArrayEquals(in, RatchetTreeCodec.encode(nodes));
      n++;
    }
    assertEquals(300, n);
  }

  @Test
  void leafNodesAndKeyPackagesRoundTrip() throws Exception {
    for (JsonNode c : cases()) {
      byte[] update = hex(c, "update_proposal");
      assertArrayEquals(update, Wire.decode(update, LeafNode::read, "Update").toBytes());
      byte[] add = hex(c, "add_proposal");
      assertArrayEquals(add, Wire.decode(add, KeyPackage::read, "Add").toBytes());
    }
  }

  static void roundTrip(byte[] in, MlsReader<? extends TlsWriter.Encodable> reader)
      throws MlsException {
    assertArrayEquals(in, reader.read(in).toBytes());
  }

  interface MlsReader<T> {
    T read(byte[] in) throws MlsException;
  }
}
