package io.agentwire.provider.ratchet;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.provider.ratchet.RatchetException.Reason;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import javax.crypto.AEADBadTagException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of RatchetDecrypt (specification sections 3.5 and 4.3) over every profile: whatever
 * the network does within the bounds (reordering, drops, duplicates), each genuine message is
 * decrypted exactly once, everything else is refused, and a refusal changes nothing.
 *
 * <p>The scripted conversations are checked against a model of the specification's receiving side:
 * which of the peer's sending chains is current, Nr, and MKSKIPPED in insertion order with the
 * oldest evicted beyond the store bound. The serialized form is the full state, so "a failed
 * decrypt leaves the session unchanged" is checked as byte equality of {@code serialize()} before
 * and after.
 */
class DoubleRatchetProperties {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Provide
  Arbitrary<String> profiles() {
    return Arbitraries.of(
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE);
  }

  enum Kind {
    ALICE_SENDS,
    BOB_SENDS,
    DELIVER,
    DUPLICATE,
    DROP
  }

  /** One step of the network script; {@code pick} chooses which message it applies to. */
  record Action(Kind kind, int pick) {
    @Override
    public String toString() {
      return kind + "(" + pick + ")";
    }
  }

  @Provide
  Arbitrary<List<Action>> scripts() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(Kind.ALICE_SENDS)),
            Tuple.of(5, Arbitraries.just(Kind.BOB_SENDS)),
            Tuple.of(10, Arbitraries.just(Kind.DELIVER)),
            Tuple.of(3, Arbitraries.just(Kind.DUPLICATE)),
            Tuple.of(2, Arbitraries.just(Kind.DROP)));
    return Combinators.combine(kinds, Arbitraries.integers().between(0, 1 << 20))
        .as(Action::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(70)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  /**
   * With the default MAX_SKIP (far more than a script can skip): every message delivered at least
   * once decrypts to its plaintext exactly once, every further copy is refused as REPLAYED or as
   * not authentic, and refusals change nothing.
   */
  @Property(tries = 60)
  void everyGenuineMessageDecryptsExactlyOnceAndCopiesAreRejected(
      @ForAll("profiles") String profile, @ForAll("scripts") List<Action> script) throws Exception {
    DoubleRatchet dr = DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER);
    Conversation c = new Conversation(dr, Integer.MAX_VALUE);
    c.run(script);
    for (Msg m : c.sent) {
      if (m.deliveries > 0) {
        assertEquals(1, m.decryptions, m + " was delivered but not decrypted exactly once");
      }
      if (m.deliveries > 1) {
        assertTrue(m.rejections > 0);
      }
    }
    for (Outcome rejected : c.duplicateOutcomes) {
      assertTrue(
          rejected == Outcome.REPLAYED || rejected == Outcome.BAD_TAG,
          "a duplicate was refused as " + rejected);
    }
  }

  /**
   * With small MAX_SKIP and store bounds the outcome of every delivery is the one the
   * specification's algorithm gives: decrypted, REPLAYED, TOO_MANY_SKIPPED, or refused because its
   * key is gone (evicted or used); never a second decryption.
   */
  @Property(tries = 100)
  void smallBoundsGiveExactlyTheSpecifiedOutcomes(
      @ForAll("profiles") String profile,
      @ForAll @IntRange(min = 0, max = 5) int maxSkip,
      @ForAll @IntRange(min = 0, max = 5) int extraStored,
      @ForAll @IntRange(min = 1, max = 12) int reorderWindow,
      @ForAll("scripts") List<Action> script)
      throws Exception {
    DoubleRatchet dr =
        DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER)
            .setLimits(maxSkip, maxSkip + extraStored);
    Conversation c = new Conversation(dr, reorderWindow);
    c.run(script);
    for (Msg m : c.sent) {
      assertTrue(m.decryptions <= 1, m + " decrypted twice");
    }
  }

  /**
   * Any single bit flip anywhere in a message, on the current chain or on a new one, is refused and
   * leaves the session able to decrypt the genuine message.
   */
  @Property(tries = 80)
  void anySingleBitFlipIsRejectedWithoutDisturbingTheSession(
      @ForAll("profiles") String profile,
      @ForAll @IntRange(min = 0, max = 2) int turns,
      @ForAll @IntRange(min = 0, max = 3) int earlier,
      @ForAll boolean deliverEarlier,
      @ForAll @Size(max = 40) byte[] plaintext,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitSeed)
      throws Exception {
    RatchetPairs.Pair p = RatchetPairs.pair(profile);
    for (int t = 0; t < turns; t++) {
      p.bob().decrypt(p.alice().encrypt(text("a" + t)));
      p.alice().decrypt(p.bob().encrypt(text("b" + t)));
    }
    for (int i = 0; i < earlier; i++) {
      byte[] m = p.alice().encrypt(text("e" + i));
      if (deliverEarlier) {
        p.bob().decrypt(m);
      }
    }
    byte[] genuine = p.alice().encrypt(plaintext);
    int bit = bitSeed % (genuine.length * 8);
    byte[] flipped = genuine.clone();
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    byte[] before = p.bob().serialize();
    assertThrows(GeneralSecurityException.class, () -> p.bob().decrypt(flipped));
    assertArrayEquals(before, p.bob().serialize(), "a refused message changed the session");
    assertArrayEquals(plaintext, p.bob().decrypt(genuine));
  }

  /**
   * A message that would skip more than MAX_SKIP keys is refused with TOO_MANY_SKIPPED, on a new
   * chain (header N), on the current chain (N - Nr) and on the previous chain (PN - Nr), and the
   * session is unchanged: the messages within the bound still decrypt.
   */
  @Property(tries = 30)
  void skippingMoreThanMaxSkipIsRefusedAndHarmless(
      @ForAll("profiles") String profile,
      @ForAll @IntRange(min = 0, max = 6) int maxSkip,
      @ForAll @IntRange(min = 1, max = 4) int overshoot)
      throws Exception {
    DoubleRatchet dr =
        DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER).setLimits(maxSkip, maxSkip);
    RatchetPairs.Pair p = RatchetPairs.pair(dr);
    RatchetSession alice = p.alice();
    RatchetSession bob = p.bob();

    // New chain: Bob has no receiving chain for Alice yet, so only N counts.
    List<byte[]> chain = send(alice, "x", maxSkip + overshoot + 1);
    assertTooManySkipped(bob, chain.get(maxSkip + overshoot));
    assertArrayEquals(text("x" + maxSkip), bob.decrypt(chain.get(maxSkip)));

    // Current chain: Nr = maxSkip + 1 now.
    chain.addAll(send(alice, "x", maxSkip + overshoot + 1, maxSkip + overshoot + 1));
    int nr = maxSkip + 1;
    assertTooManySkipped(bob, chain.get(nr + maxSkip + overshoot));
    assertArrayEquals(text("x" + (nr + maxSkip)), bob.decrypt(chain.get(nr + maxSkip)));
    nr += maxSkip + 1;

    // Previous chain: Alice sends more on it, then ratchets; her new chain's PN is past the bound.
    int more = maxSkip + overshoot;
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      labels.add("x" + i);
    }
    for (int i = 0; i < more; i++) {
      labels.add("y" + i);
    }
    chain.addAll(send(alice, "y", more));
    assertArrayEquals(text("reply"), alice.decrypt(bob.encrypt(text("reply"))));
    byte[] next = alice.encrypt(text("next"));
    int pn = chain.size();
    assertTrue(pn - nr > maxSkip);
    assertTooManySkipped(bob, next);
    // Delivering the old chain in order closes the gap; then the new chain opens.
    while (pn - nr > maxSkip) {
      assertArrayEquals(text(labels.get(nr)), bob.decrypt(chain.get(nr)));
      nr++;
    }
    assertArrayEquals(text("next"), bob.decrypt(next));
    assertArrayEquals(text("back"), alice.decrypt(bob.encrypt(text("back"))));
  }

  /**
   * Beyond the store bound the OLDEST skipped keys go: their messages are refused as REPLAYED
   * (their keys are gone), the newer skipped messages still decrypt.
   */
  @Property(tries = 30)
  void theStoreBoundEvictsTheOldestSkippedKeys(
      @ForAll("profiles") String profile,
      @ForAll @IntRange(min = 1, max = 4) int maxSkip,
      @ForAll @IntRange(min = 0, max = 4) int extraStored,
      @ForAll @IntRange(min = 2, max = 5) int jumps)
      throws Exception {
    int maxStored = maxSkip + extraStored;
    DoubleRatchet dr =
        DoubleRatchet.getInstance(profile, RatchetPairs.PROVIDER).setLimits(maxSkip, maxStored);
    RatchetPairs.Pair p = RatchetPairs.pair(dr);
    // Each jump delivers one message and skips the maxSkip before it.
    List<byte[]> chain = send(p.alice(), "m", jumps * (maxSkip + 1));
    List<Integer> skipped = new ArrayList<>();
    for (int j = 0; j < jumps; j++) {
      int delivered = j * (maxSkip + 1) + maxSkip;
      for (int n = j * (maxSkip + 1); n < delivered; n++) {
        skipped.add(n);
      }
      assertArrayEquals(text("m" + delivered), p.bob().decrypt(chain.get(delivered)));
    }
    int evicted = Math.max(0, skipped.size() - maxStored);
    // Newest first, so an eviction bug cannot be hidden by the order of the checks.
    for (int i = skipped.size() - 1; i >= 0; i--) {
      int n = skipped.get(i);
      if (i >= evicted) {
        assertArrayEquals(text("m" + n), p.bob().decrypt(chain.get(n)));
      } else {
        byte[] before = p.bob().serialize();
        RatchetException e =
            assertThrows(RatchetException.class, () -> p.bob().decrypt(chain.get(n)));
        assertEquals(Reason.REPLAYED, e.reason(), "message " + n + " was evicted");
        assertArrayEquals(before, p.bob().serialize());
      }
    }
    assertArrayEquals(text("reply"), p.alice().decrypt(p.bob().encrypt(text("reply"))));
  }

  // ---- the model ----

  enum Outcome {
    DECRYPTED,
    REPLAYED,
    TOO_MANY_SKIPPED,
    BAD_TAG,
    /** Refused because its key is gone; the reason depends on the profile (see below). */
    GONE
  }

  static final class Msg {
    final int id;
    final boolean fromAlice;
    final int chain;
    final int n;
    final int pn;
    final byte[] wire;
    final byte[] plaintext;
    int deliveries;
    int decryptions;
    int rejections;

    Msg(int id, boolean fromAlice, int chain, int n, int pn, byte[] wire, byte[] plaintext) {
      this.id = id;
      this.fromAlice = fromAlice;
      this.chain = chain;
      this.n = n;
      this.pn = pn;
      this.wire = wire;
      this.plaintext = plaintext;
    }

    @Override
    public String toString() {
      return "message " + id + (fromAlice ? " A" : " B") + chain + "." + n + " (PN " + pn + ")";
    }
  }

  /** One party: its session and the model of its ratchet counters and MKSKIPPED. */
  static final class Party {
    final String name;
    final RatchetSession session;
    int sendChain;
    int ns;
    int pn;
    boolean canSend;
    int recvChain;
    boolean hasRecvChain;
    int nr;
    final LinkedHashSet<List<Integer>> skipped = new LinkedHashSet<>();

    Party(String name, RatchetSession session) {
      this.name = name;
      this.session = session;
    }
  }

  static final class Conversation {
    final int maxSkip;
    final int maxStored;
    final int window;
    final boolean signal;
    final Party alice;
    final Party bob;
    final List<Msg> sent = new ArrayList<>();
    final List<Msg> pending = new ArrayList<>();
    final List<Msg> delivered = new ArrayList<>();
    final List<Outcome> duplicateOutcomes = new ArrayList<>();
    final StringBuilder log = new StringBuilder();

    Conversation(DoubleRatchet dr, int window) throws GeneralSecurityException {
      RatchetPairs.Pair p = RatchetPairs.pair(dr);
      this.maxSkip = dr.maxSkip();
      this.maxStored = dr.maxStoredKeys();
      this.window = window;
      signal = dr.getProfile().equals(DoubleRatchet.SIGNAL_V3_PROFILE);
      alice = new Party("Alice", p.alice());
      bob = new Party("Bob", p.bob());
      alice.canSend = true;
      // Alice's receiving chain is Bob's chain 0: in SignalV3 it exists from the start (Bob sends
      // under his signed prekey at once); otherwise Bob's first chain is 1.
      alice.recvChain = 0;
      alice.hasRecvChain = signal;
      bob.canSend = signal;
      bob.recvChain = -1;
    }

    void run(List<Action> script) throws Exception {
      for (Action a : script) {
        log.append(a).append(' ');
        switch (a.kind()) {
          case ALICE_SENDS -> send(alice);
          case BOB_SENDS -> send(bob);
          case DELIVER -> {
            if (!pending.isEmpty()) {
              Msg m = pending.remove(a.pick() % Math.min(pending.size(), window));
              deliver(m, false);
            }
          }
          case DUPLICATE -> {
            if (!delivered.isEmpty()) {
              deliver(delivered.get(a.pick() % delivered.size()), true);
            }
          }
          case DROP -> {
            if (!pending.isEmpty()) {
              pending.remove(a.pick() % pending.size());
            }
          }
        }
      }
    }

    private void send(Party from) throws GeneralSecurityException {
      if (!from.canSend) {
        assertThrows(IllegalStateException.class, () -> from.session.encrypt(new byte[1]));
        return;
      }
      int id = sent.size();
      byte[] plaintext = text("message " + id);
      byte[] wire = from.session.encrypt(plaintext);
      Msg m = new Msg(id, from == alice, from.sendChain, from.ns, from.pn, wire, plaintext);
      from.ns++;
      sent.add(m);
      pending.add(m);
    }

    private void deliver(Msg m, boolean duplicate) throws Exception {
      Party to = m.fromAlice ? bob : alice;
      Outcome expected = expect(to, m);
      if (!duplicate) {
        delivered.add(m);
      }
      m.deliveries++;
      byte[] before = to.session.serialize();
      Outcome actual;
      byte[] plaintext = null;
      try {
        plaintext = to.session.decrypt(m.wire);
        actual = Outcome.DECRYPTED;
      } catch (RatchetException e) {
        actual =
            switch (e.reason()) {
              case REPLAYED -> Outcome.REPLAYED;
              case TOO_MANY_SKIPPED -> Outcome.TOO_MANY_SKIPPED;
              default -> throw new AssertionError(context(m) + ": unexpected " + e, e);
            };
      } catch (AEADBadTagException e) {
        actual = Outcome.BAD_TAG;
      }
      if (duplicate && m.decryptions > 0) {
        duplicateOutcomes.add(actual);
      }
      if (actual == Outcome.DECRYPTED) {
        if (m.decryptions > 0) {
          fail(context(m) + ": decrypted a second time");
        }
        assertArrayEquals(m.plaintext, plaintext, context(m));
        m.decryptions++;
      } else {
        m.rejections++;
        assertArrayEquals(
            before, to.session.serialize(), context(m) + ": a refused message changed the session");
      }
      if (expected == Outcome.GONE) {
        assertTrue(actual != Outcome.DECRYPTED, context(m) + ": its key should be gone");
      } else {
        assertEquals(expected, actual, context(m));
      }
      if (actual == Outcome.DECRYPTED) {
        apply(to, m);
      }
    }

    /** What RatchetDecrypt of section 3.5 gives for {@code m} at {@code to}. */
    private Outcome expect(Party to, Msg m) {
      if (to.skipped.contains(List.of(m.chain, m.n))) {
        return Outcome.DECRYPTED;
      }
      if (to.hasRecvChain && m.chain == to.recvChain) {
        if (m.n < to.nr) {
          return Outcome.REPLAYED;
        }
        return m.n - to.nr > maxSkip ? Outcome.TOO_MANY_SKIPPED : Outcome.DECRYPTED;
      }
      if (m.chain == to.recvChain + 1) {
        if (to.hasRecvChain && previousChainEnd(to, m) - to.nr > maxSkip || m.n > maxSkip) {
          return Outcome.TOO_MANY_SKIPPED;
        }
        return Outcome.DECRYPTED;
      }
      // An older chain whose key for this message is gone. The specification's algorithm sees an
      // unknown ratchet key and attempts a DH ratchet, which fails on the skip bound or on
      // authentication; with header encryption the header opens only under a kept header key.
      return Outcome.GONE;
    }

    /**
     * Up to which message the receiver's current chain is skipped when {@code m} starts a new one:
     * the sender's count PN, except in SignalV3, whose wire PN is libsignal's max(Ns - 1, 0) (see
     * docs/RATCHET.md): the receiver keeps keys up to wire PN + 1, and where that would exceed
     * MAX_SKIP with wire PN 0 (no message or one, which cannot be told apart) it keeps none.
     */
    private long previousChainEnd(Party to, Msg m) {
      if (!signal) {
        return m.pn;
      }
      long wirePn = Math.max(m.pn - 1, 0);
      if (wirePn == 0 && 1 - to.nr > maxSkip) {
        return 0;
      }
      return wirePn + 1;
    }

    /** The model's state change for a successful decryption. */
    private void apply(Party to, Msg m) {
      if (to.skipped.remove(List.of(m.chain, m.n))) {
        return;
      }
      if (!(to.hasRecvChain && m.chain == to.recvChain)) {
        if (to.hasRecvChain) {
          long end = previousChainEnd(to, m);
          for (int n = to.nr; n < end; n++) {
            to.skipped.add(List.of(to.recvChain, n));
          }
        }
        to.recvChain = m.chain;
        to.hasRecvChain = true;
        to.nr = 0;
        to.pn = to.ns;
        to.ns = 0;
        to.sendChain++;
        to.canSend = true;
      }
      for (int n = to.nr; n < m.n; n++) {
        to.skipped.add(List.of(m.chain, n));
      }
      to.nr = m.n + 1;
      Iterator<List<Integer>> it = to.skipped.iterator();
      while (to.skipped.size() > maxStored) {
        it.next();
        it.remove();
      }
    }

    private String context(Msg m) {
      return m + " to " + (m.fromAlice ? "Bob" : "Alice") + " after " + log;
    }
  }

  // ---- helpers ----

  private static List<byte[]> send(RatchetSession from, String prefix, int count)
      throws GeneralSecurityException {
    return send(from, prefix, 0, count);
  }

  private static List<byte[]> send(RatchetSession from, String prefix, int first, int count)
      throws GeneralSecurityException {
    List<byte[]> out = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      out.add(from.encrypt(text(prefix + i)));
    }
    return out;
  }

  private static void assertTooManySkipped(RatchetSession to, byte[] message) {
    byte[] before = to.serialize();
    RatchetException e = assertThrows(RatchetException.class, () -> to.decrypt(message));
    assertEquals(Reason.TOO_MANY_SKIPPED, e.reason());
    assertArrayEquals(before, to.serialize(), "a refused message changed the session");
  }
}
