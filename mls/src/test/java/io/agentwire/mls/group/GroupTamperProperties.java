package io.agentwire.mls.group;

import static io.agentwire.mls.group.GroupTestKit.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.GroupEpoch;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.group.GroupTestKit.Agent;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Every single-bit change of every kind of message a 3-member group sends is refused with a typed
 * {@link MlsException} (never a RuntimeException), and leaves the receiver exactly as it was: the
 * original message is then accepted and the group agrees on the next epoch. Covered: a commit as
 * PublicMessage and as PrivateMessage, a proposal by reference in both framings, an application
 * message (padded), a Welcome (the joiner can still join from the original with the same
 * KeyPackageStore), a GroupInfo for an external join, the external commit itself, and a KeyPackage
 * offered to a committer. RFC 9420 authenticates every byte of each of these (signature, membership
 * tag, AEAD, HPKE, or the confirmation tag), so no bit position is excluded.
 */
class GroupTamperProperties {

  enum Kind {
    PUBLIC_COMMIT,
    PRIVATE_COMMIT,
    PUBLIC_PROPOSAL,
    PRIVATE_PROPOSAL,
    APPLICATION,
    WELCOME,
    GROUP_INFO,
    EXTERNAL_COMMIT,
    KEY_PACKAGE
  }

  private static final CipherSuite SUITE = CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

  private static final MlsGroupConfig PUBLIC = GroupTestKit.PUBLIC_HANDSHAKES;
  private static final MlsGroupConfig PRIVATE = GroupTestKit.PRIVATE_HANDSHAKES;

  private static boolean isPrivate(Kind k) {
    return k == Kind.PRIVATE_COMMIT || k == Kind.PRIVATE_PROPOSAL || k == Kind.APPLICATION;
  }

  /**
   * One fixture: a 3-member group (alice, bob, carol), the message of {@code kind} made in it, the
   * flip attempt against its receiver, and the original's delivery afterwards.
   */
  abstract static class Case {
    final GroupTestKit kit;
    final Agent alice;
    final Agent bob;
    final Agent carol;

    Case(Kind kind) throws MlsException {
      kit = new GroupTestKit(SUITE, isPrivate(kind) ? PRIVATE : PUBLIC);
      alice = kit.create("alice");
      bob = kit.new Agent("bob");
      carol = kit.new Agent("carol");
      kit.add(alice, bob);
      kit.add(alice, carol);
      kit.assertAgreement();
    }

    /** The message to tamper with. */
    abstract byte[] message();

    /** Feeds a tampered copy to its receiver; must throw MlsException. */
    abstract void feed(byte[] tampered) throws MlsException;

    /** Asserts the receiver is as it was before any tampered copy. */
    abstract void assertUnchanged() throws MlsException;

    /** Delivers the original and checks that the group then agrees. */
    abstract void deliverOriginal() throws MlsException;
  }

  /** What a member receiver looks like; compared after each refused copy. */
  private record View(
      long epoch, byte[] auth, byte[] treeHash, int members, boolean pending, boolean active) {
    static View of(Agent a) {
      GroupEpoch e = a.group.epochInfo();
      return new View(
          e.epoch(),
          e.epochAuthenticator(),
          e.treeHash(),
          e.members().size(),
          a.group.pendingCommit().isPresent(),
          a.group.isActive());
    }

    void assertSame(View now, String who) {
      assertEquals(epoch, now.epoch, who + " epoch");
      assertArrayEquals(auth, now.auth, who + " epoch authenticator");
      assertArrayEquals(treeHash, now.treeHash, who + " tree hash");
      assertEquals(members, now.members, who + " members");
      assertEquals(pending, now.pending, who + " pending commit");
      assertEquals(active, now.active, who + " active");
    }
  }

  /** A member receives the message: bob for alice's, alice for bob's. */
  private abstract static class MemberCase extends Case {
    final Agent receiver;
    View before;

    MemberCase(Kind kind, boolean bobReceives) throws MlsException {
      super(kind);
      receiver = bobReceives ? bob : alice;
    }

    void snapshotReceiver() {
      before = View.of(receiver);
    }

    @Override
    void feed(byte[] tampered) throws MlsException {
      receiver.group.process(tampered);
    }

    @Override
    void assertUnchanged() {
      before.assertSame(View.of(receiver), receiver.name);
    }
  }

  private static Case commitCase(Kind kind) throws MlsException {
    return new MemberCase(kind, true) {
      final PendingCommit c = alice.group.commitBuilder().forcePath().build();

      {
        snapshotReceiver();
      }

      @Override
      byte[] message() {
        return c.commitMessage();
      }

      @Override
      void deliverOriginal() throws MlsException {
        kit.deliver(alice, c);
        kit.assertAgreement();
      }
    };
  }

  private static Case proposalCase(Kind kind) throws MlsException {
    return new MemberCase(kind, false) {
      final byte[] p = bob.group.proposeUpdate();

      {
        snapshotReceiver();
      }

      @Override
      byte[] message() {
        return p;
      }

      @Override
      void deliverOriginal() throws MlsException {
        ProcessResult.ProposalReceived r =
            assertInstanceOf(ProcessResult.ProposalReceived.class, alice.group.process(p));
        assertEquals(ProcessResult.ProposalKind.UPDATE, r.kind());
        carol.group.process(p);
        PendingCommit c = alice.group.commit();
        for (ProcessResult res : kit.deliver(alice, c).values()) {
          ProcessResult.CommitApplied applied =
              assertInstanceOf(ProcessResult.CommitApplied.class, res);
          assertTrue(applied.updated().stream().anyMatch(m -> m.leafIndex() == bob.leaf()));
        }
        kit.assertAgreement();
      }
    };
  }

  private static Case applicationCase() throws MlsException {
    return new MemberCase(Kind.APPLICATION, false) {
      final byte[] data = utf8("an application message of some length, padded to 32");
      final byte[] m = bob.group.encrypt(data, utf8("aad"));

      {
        snapshotReceiver();
      }

      @Override
      byte[] message() {
        return m;
      }

      @Override
      void deliverOriginal() throws MlsException {
        for (Agent a : List.of(alice, carol)) {
          ProcessResult.ApplicationMessage r = a.group.decrypt(m);
          assertArrayEquals(data, r.data());
          assertArrayEquals(utf8("aad"), r.authenticatedData());
          assertEquals(bob.leaf(), r.sender().leafIndex());
        }
        kit.deliver(alice, alice.group.commitBuilder().forcePath().build());
        kit.assertAgreement();
      }
    };
  }

  private static Case welcomeCase() throws MlsException {
    return new Case(Kind.WELCOME) {
      final Agent dave = kit.new Agent("dave");
      final KeyPackageBundle kp = kit.mls.createKeyPackage(dave.id, dave.keys);
      final PendingCommit c = alice.group.commitBuilder().add(kp.keyPackage()).build();

      {
        kit.deliver(alice, c);
      }

      @Override
      byte[] message() {
        return c.welcome();
      }

      @Override
      void feed(byte[] tampered) throws MlsException {
        dave.join(tampered);
        fail("dave joined from a tampered Welcome, epoch " + dave.group.epoch());
      }

      @Override
      void assertUnchanged() {
        assertTrue(dave.keys.find(kp.reference()).isPresent(), "dave's KeyPackage is kept");
      }

      @Override
      void deliverOriginal() throws MlsException {
        dave.join(c.welcome());
        kit.members.add(dave);
        kit.assertAgreement();
        kit.sendAndCheck(dave, utf8("dave is in"));
        assertTrue(dave.keys.find(kp.reference()).isEmpty(), "a KeyPackage is used once");
      }
    };
  }

  private static Case groupInfoCase() throws MlsException {
    return new Case(Kind.GROUP_INFO) {
      final byte[] gi = alice.group.groupInfo(true);
      final Agent erin = kit.new Agent("erin");
      final View aliceBefore = View.of(alice);

      @Override
      byte[] message() {
        return gi;
      }

      @Override
      void feed(byte[] tampered) throws MlsException {
        ExternalJoin j = erin.joinExternally(tampered, false);
        // A tampered GroupInfo that the joiner accepted would make a commit the group refuses.
        fail("erin joined from a tampered GroupInfo; bob would get " + describe(j));
      }

      private String describe(ExternalJoin j) {
        try {
          return String.valueOf(bob.group.process(j.commitMessage()));
        } catch (MlsException e) {
          return e.reason() + ": " + e.getMessage();
        }
      }

      @Override
      void assertUnchanged() {
        aliceBefore.assertSame(View.of(alice), "alice");
      }

      @Override
      void deliverOriginal() throws MlsException {
        kit.deliverExternal(erin, erin.joinExternally(gi, false));
        kit.assertAgreement();
        kit.sendAndCheck(erin, utf8("erin is in"));
      }
    };
  }

  private static Case externalCommitCase() throws MlsException {
    return new MemberCase(Kind.EXTERNAL_COMMIT, true) {
      final Agent erin = kit.new Agent("erin");
      final ExternalJoin j = erin.joinExternally(alice.group.groupInfo(true), false);

      {
        snapshotReceiver();
      }

      @Override
      byte[] message() {
        return j.commitMessage();
      }

      @Override
      void deliverOriginal() throws MlsException {
        kit.deliverExternal(erin, j);
        kit.assertAgreement();
        kit.sendAndCheck(erin, utf8("erin is in"));
      }
    };
  }

  private static Case keyPackageCase() throws MlsException {
    return new Case(Kind.KEY_PACKAGE) {
      final Agent dave = kit.new Agent("dave");
      final byte[] kp = dave.keyPackage();
      final View aliceBefore = View.of(alice);

      @Override
      byte[] message() {
        return kp;
      }

      @Override
      void feed(byte[] tampered) throws MlsException {
        alice.group.commitBuilder().add(tampered).build();
        fail("alice committed an Add of a tampered KeyPackage");
      }

      @Override
      void assertUnchanged() {
        aliceBefore.assertSame(View.of(alice), "alice");
      }

      @Override
      void deliverOriginal() throws MlsException {
        kit.add(alice, dave);
        kit.assertAgreement();
      }
    };
  }

  static Case newCase(Kind kind) throws MlsException {
    return switch (kind) {
      case PUBLIC_COMMIT, PRIVATE_COMMIT -> commitCase(kind);
      case PUBLIC_PROPOSAL, PRIVATE_PROPOSAL -> proposalCase(kind);
      case APPLICATION -> applicationCase();
      case WELCOME -> welcomeCase();
      case GROUP_INFO -> groupInfoCase();
      case EXTERNAL_COMMIT -> externalCommitCase();
      case KEY_PACKAGE -> keyPackageCase();
    };
  }

  /** Flips {@code bit} (0 = most significant bit of byte 0) of a copy of {@code message}. */
  static byte[] flip(byte[] message, int bit) {
    byte[] t = message.clone();
    t[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
    return t;
  }

  /** Feeds one flipped copy; it must be refused with an MlsException and change nothing. */
  static void assertRefused(Kind kind, Case c, byte[] original, int bit) throws MlsException {
    byte[] t = flip(original, bit);
    String where = kind + " of " + original.length + " bytes, byte " + bit / 8 + " bit " + bit % 8;
    try {
      c.feed(t);
      fail("accepted a tampered " + where + context(original, bit / 8));
    } catch (MlsException expected) {
      // refused, typed
    } catch (RuntimeException e) {
      throw new AssertionError("untyped " + e + " for " + where + context(original, bit / 8), e);
    }
    c.assertUnchanged();
  }

  private static String context(byte[] m, int at) {
    int from = Math.max(0, at - 8);
    int to = Math.min(m.length, at + 8);
    return " (bytes "
        + from
        + ".."
        + to
        + ": "
        + HexFormat.of().formatHex(m, from, to)
        + ", type "
        + HexFormat.of().formatHex(m, 0, Math.min(4, m.length))
        + ")";
  }

  @Provide
  Arbitrary<Kind> kinds() {
    return Arbitraries.of(Kind.class);
  }

  @Property(tries = 150)
  void everyFlippedBitIsRefusedTypedAndTheOriginalStillWorks(
      @ForAll("kinds") Kind kind,
      @ForAll @Size(min = 1, max = 12)
          List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions)
      throws Exception {
    Statistics.collect(kind);
    Case c = newCase(kind);
    byte[] original = c.message().clone();
    assertNotNull(original);
    for (int p : positions) {
      assertRefused(kind, c, original, p % (original.length * 8));
    }
    c.deliverOriginal();
  }

  /**
   * Exhaustive: every bit of one instance of each kind (a few thousand positions each), each
   * refused against the same receiver, which then still accepts the original.
   */
  @Property(tries = 9)
  void everySingleBitOfEachKindOfMessageIsRefused(@ForAll("kinds") Kind kind) throws Exception {
    Case c = newCase(kind);
    byte[] original = c.message().clone();
    for (int bit = 0; bit < original.length * 8; bit++) {
      assertRefused(kind, c, original, bit);
    }
    c.deliverOriginal();
  }
}
