package io.agentwire.conformance.mls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.conformance.mls.BcmlsMember.Committed;
import io.agentwire.conformance.mls.BcmlsMember.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the oracle harness before it judges AgentWire: bcmls members against bcmls members,
 * through nothing but {@link BcmlsMember}'s byte-level methods, on the suites the interop test
 * covers. If these fail, an interop failure says nothing about AgentWire.
 */
class BcmlsSelfTest {

  private static final byte[] CONTEXT = "ctx".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(ints = {1, 2, 3, 7})
  void aGroupsWholeLifeAgreesOnEveryEpoch(int suite) throws Exception {
    BcmlsMember a = new BcmlsMember(suite, "alice");
    BcmlsMember b = new BcmlsMember(suite, "bob");
    BcmlsMember c = new BcmlsMember(suite, "carol");
    a.create("bcmls-self".getBytes(StandardCharsets.UTF_8));
    assertEquals(0, a.epoch());

    // One commit adds two members; both join from the one Welcome.
    Committed add = a.add(b.keyPackage(), c.keyPackage());
    b.join(add.welcome());
    c.join(add.welcome());
    agree(1, a, b, c);
    assertEquals(1, b.leafIndex());
    assertEquals(2, c.leafIndex());

    // An update by a joiner, processed by the creator and the other joiner.
    Committed up = b.update();
    assertNull(up.welcome());
    assertEquals(Kind.COMMIT, a.process(up.commit()).kind());
    assertEquals(Kind.COMMIT, c.process(up.commit()).kind());
    agree(2, a, b, c);

    // Application messages both ways.
    byte[] hello = "hello from carol".getBytes(StandardCharsets.UTF_8);
    byte[] ct = c.encrypt(hello);
    assertArrayEquals(hello, a.process(ct).plaintext());
    assertArrayEquals(hello, b.process(ct).plaintext());
    byte[] back = "hello from alice".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(back, c.process(a.encrypt(back)).plaintext());

    // An external join from a GroupInfo.
    BcmlsMember d = new BcmlsMember(suite, "dave");
    byte[] ext = d.externalJoin(c.groupInfo());
    for (BcmlsMember m : List.of(a, b, c)) {
      assertEquals(Kind.COMMIT, m.process(ext).kind());
    }
    agree(3, a, b, c, d);
    assertEquals(3, d.leafIndex());

    // A removal: the removed member learns it, the rest agree, and it cannot read later traffic.
    Committed rm = c.remove(b.leafOf("bob"));
    assertEquals(Kind.COMMIT, a.process(rm.commit()).kind());
    assertEquals(Kind.COMMIT, d.process(rm.commit()).kind());
    assertEquals(Kind.REMOVED, b.process(rm.commit()).kind());
    assertFalse(b.inGroup());
    agree(4, a, c, d);
    assertEquals(-1, a.leafOf("bob"));
    byte[] secret = d.encrypt("after bob".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals("after bob".getBytes(StandardCharsets.UTF_8), a.process(secret).plaintext());

    // A second add after the removal reuses the blank leaf.
    BcmlsMember e = new BcmlsMember(suite, "erin");
    Committed add2 = d.add(e.keyPackage());
    a.process(add2.commit());
    c.process(add2.commit());
    e.join(add2.welcome());
    agree(5, a, c, d, e);
    assertEquals(1, e.leafIndex());

    // Resync: dave lost his state and rejoins by external commit removing his old leaf.
    BcmlsMember dave2 = new BcmlsMember(suite, "dave");
    byte[] resync = dave2.externalJoin(a.groupInfo(), a.leafOf("dave"));
    for (BcmlsMember m : List.of(a, c, e)) {
      assertEquals(Kind.COMMIT, m.process(resync).kind());
    }
    agree(6, a, c, e, dave2);
  }

  @ParameterizedTest(name = "suite {0}")
  @ValueSource(ints = {1, 3})
  void aTamperedCommitIsRejected(int suite) throws Exception {
    BcmlsMember a = new BcmlsMember(suite, "alice");
    BcmlsMember b = new BcmlsMember(suite, "bob");
    a.create(new byte[] {1, 2, 3});
    b.join(a.add(b.keyPackage()).welcome());
    byte[] commit = a.update().commit();
    byte[] bad = commit.clone();
    bad[bad.length - 5] ^= 1;
    assertThrows(Exception.class, () -> b.process(bad));
    assertEquals(Kind.COMMIT, b.process(commit).kind());
    agree(2, a, b);
  }

  /** Every member at the epoch, with one epoch authenticator, tree hash and exporter value. */
  static void agree(long epoch, BcmlsMember first, BcmlsMember... rest) throws Exception {
    assertEquals(epoch, first.epoch());
    for (BcmlsMember m : rest) {
      assertEquals(epoch, m.epoch(), "epoch");
      assertArrayEquals(first.epochAuthenticator(), m.epochAuthenticator(), "epoch authenticator");
      assertArrayEquals(first.treeHash(), m.treeHash(), "tree hash");
      assertArrayEquals(
          first.exporter("agentwire test", CONTEXT, 32),
          m.exporter("agentwire test", CONTEXT, 32),
          "exporter");
    }
  }
}
