package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.message.MessageFields.Sample;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile variations of the {@code messages.json} encodings. The decoders are strict (minimal
 * length headers, closed enums, booleans 0 or 1, no trailing bytes), so an accepted input has
 * exactly one encoding: whatever a mutation leaves decodable must re-encode to the mutated bytes,
 * and everything else must fail with an {@link MlsException}, never another exception.
 */
class MessageMutationProperties {

  record Mutation(Sample sample, int position, int value) {}

  @Provide
  Arbitrary<Sample> samples() {
    return Arbitraries.of(MessageFields.samples());
  }

  @Provide
  Arbitrary<Mutation> bitFlips() {
    return samples()
        .flatMap(
            s ->
                Combinators.combine(
                        Arbitraries.integers().between(0, s.bytes().length - 1),
                        Arbitraries.integers().between(0, 7))
                    .as((pos, bit) -> new Mutation(s, pos, 1 << bit)));
  }

  @Provide
  Arbitrary<Mutation> byteChanges() {
    return samples()
        .flatMap(
            s ->
                Combinators.combine(
                        Arbitraries.integers().between(0, s.bytes().length - 1),
                        Arbitraries.integers().between(1, 255))
                    .as((pos, x) -> new Mutation(s, pos, x)));
  }

  @Provide
  Arbitrary<Mutation> truncations() {
    return samples()
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, s.bytes().length - 1)
                    .map(n -> new Mutation(s, n, 0)));
  }

  /** A mutated input decodes to something that re-encodes to it, or fails as MlsException. */
  private static void decodesCanonicallyOrRefuses(String field, byte[] in) {
    TlsWriter.Encodable v;
    try {
      v = MessageFields.decode(field, in);
    } catch (MlsException e) {
      return;
    } catch (AssertionError e) {
      // The field's decoder checks its variant (wire format, content type): a mutation may change
      // it to another valid variant, which the round trip below cannot judge.
      return;
    }
    assertArrayEquals(in, v.toBytes(), "an accepted input re-encodes to itself");
  }

  @Property(tries = 3000)
  void bitFlipsAreRefusedOrCanonical(@ForAll("bitFlips") Mutation m) {
    byte[] in = m.sample().bytes().clone();
    in[m.position()] ^= (byte) m.value();
    decodesCanonicallyOrRefuses(m.sample().field(), in);
  }

  @Property(tries = 3000)
  void byteChangesAreRefusedOrCanonical(@ForAll("byteChanges") Mutation m) {
    byte[] in = m.sample().bytes().clone();
    in[m.position()] ^= (byte) m.value();
    decodesCanonicallyOrRefuses(m.sample().field(), in);
  }

  /** An inserted byte anywhere shifts every later field: refused, or canonical. */
  @Property(tries = 3000)
  void insertionsAreRefusedOrCanonical(@ForAll("byteChanges") Mutation m) {
    byte[] src = m.sample().bytes();
    byte[] in = new byte[src.length + 1];
    System.arraycopy(src, 0, in, 0, m.position());
    in[m.position()] = (byte) m.value();
    System.arraycopy(src, m.position(), in, m.position() + 1, src.length - m.position());
    decodesCanonicallyOrRefuses(m.sample().field(), in);
  }

  @Property(tries = 3000)
  void truncationsAreRefused(@ForAll("truncations") Mutation m) {
    byte[] in = Arrays.copyOf(m.sample().bytes(), m.position());
    assertThrows(MlsException.class, () -> MessageFields.decode(m.sample().field(), in));
  }
}
