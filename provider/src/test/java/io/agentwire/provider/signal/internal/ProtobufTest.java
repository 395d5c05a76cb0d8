package io.agentwire.provider.signal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.shared.internal.DecodingException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The protobuf reader under SignalV3 messages. A varint is up to 64 bits, so values of 2^63 and
 * above are negative as a Java long: they must be refused like any other out-of-range value, not
 * slip past a signed comparison.
 */
class ProtobufTest {

  private static Protobuf.Reader reader(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    return new Protobuf.Reader(b, 0, b.length);
  }

  private static void assertMalformed(Executable e) {
    DecodingException r = assertThrows(DecodingException.class, e);
    assertTrue(r.getMessage().startsWith("malformed Signal message: "), r.getMessage());
  }

  @Test
  void wellFormedFieldsRead() throws Exception {
    byte[] written =
        new Protobuf.Writer().uint32(2, 0xffffffffL).bytes(4, new byte[] {7, 8}).toByteArray();
    Protobuf.Reader r = new Protobuf.Reader(written, 0, written.length);
    assertTrue(r.next());
    assertEquals(2, r.field());
    assertEquals(0xffffffffL, r.uint32());
    assertTrue(r.next());
    assertArrayEquals(new byte[] {7, 8}, r.bytes());
    assertFalse(r.next());
  }

  /** Field 4, length 2^64 - 1 (-1 as a long): was NegativeArraySizeException. */
  @Test
  void aLengthOfTwoToThe64MinusOneIsMalformed() throws Exception {
    Protobuf.Reader r = reader("22ffffffffffffffffff01" + "0102");
    assertTrue(r.next());
    assertMalformed(r::bytes);
  }

  /** Length 2^63 (0 after a cast to int): was read as an empty field, misparsing the rest. */
  @Test
  void aLengthOfTwoToThe63IsMalformed() throws Exception {
    Protobuf.Reader r = reader("2280808080808080808001" + "0102");
    assertTrue(r.next());
    assertMalformed(r::bytes);
  }

  /** An unknown length-delimited field is skipped through the same check. */
  @Test
  void skippingAFieldWithAHugeLengthIsMalformed() throws Exception {
    Protobuf.Reader r = reader("4affffffffffffffffff01");
    assertTrue(r.next());
    assertMalformed(r::skip);
  }

  /** A uint32 field holding 2^64 - 1: was returned as -1 instead of refused as over 32 bits. */
  @Test
  void aUint32OfTwoToThe64MinusOneIsMalformed() throws Exception {
    Protobuf.Reader r = reader("18ffffffffffffffffff01");
    assertTrue(r.next());
    assertMalformed(r::uint32);
  }

  /** A tenth varint byte above 1 carries bits past 64, which were silently dropped. */
  @Test
  void aVarintBeyond64BitsIsMalformed() throws Exception {
    Protobuf.Reader r = reader("10ffffffffffffffffff02");
    assertTrue(r.next());
    assertMalformed(r::uint32);
    assertMalformed(() -> reader("ffffffffffffffffffff01").next());
  }
}
