package io.agentwire.mls.group;

import static io.agentwire.mls.schedule.ScheduleVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwire.mls.Credential;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.KeyPackageStore;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.ProcessResult;
import io.agentwire.mls.PskStore;
import io.agentwire.mls.SignatureKeyPair;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.group.Welcomes;
import io.agentwire.mls.internal.message.KeyPackage;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.schedule.ScheduleVectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The passive-client vectors of the IETF mls-implementations suite (RFC 9420 §12.4.3.1 joins,
 * §12.4.2 commit handling), through the public API only: a client built from the vector's private
 * keys joins from the Welcome (with the ratchet tree out of band when the vector gives one, and the
 * vector's external PSKs) and must compute the initial epoch authenticator, then process every
 * epoch's proposals and commit and compute each epoch's authenticator (§8.7).
 *
 * <p>The KeyPackageBundle is given the vector's {@code key_package} as it is, an MLSMessage ({@code
 * mls_key_package}): that is what {@link KeyPackageBundle#keyPackage()} promises to hand out. Its
 * reference is computed from the inner KeyPackage (§5.2).
 *
 * <p>Every case of every file runs; each file's wall time is printed (not asserted).
 */
class PassiveClientVectorTest {

  @TestFactory
  Stream<DynamicTest> welcome() throws Exception {
    return cases("passive-client-welcome.json");
  }

  @TestFactory
  Stream<DynamicTest> handlingCommit() throws Exception {
    return cases("passive-client-handling-commit.json");
  }

  @TestFactory
  Stream<DynamicTest> random() throws Exception {
    return cases("passive-client-random.json");
  }

  private static Stream<DynamicTest> cases(String file) throws Exception {
    Set<Integer> unsupported = new HashSet<>();
    List<DynamicTest> tests = new ArrayList<>();
    JsonNode all = ScheduleVectors.load(file);
    long[] elapsed = new long[1];
    int i = 0;
    for (JsonNode c : all) {
      int suiteId = c.get("cipher_suite").asInt();
      Suite suite = ScheduleVectors.suite(suiteId, unsupported);
      if (suite == null) {
        continue;
      }
      String name =
          file
              + " #"
              + i
              + " suite "
              + suiteId
              + ", "
              + c.get("epochs").size()
              + " epochs"
              + (c.get("ratchet_tree").isNull() ? "" : ", tree out of band")
              + (c.get("external_psks").isEmpty() ? "" : ", PSKs");
      boolean last = i == all.size() - 1;
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                long t0 = System.nanoTime();
                try {
                  run(suite, c);
                } finally {
                  elapsed[0] += System.nanoTime() - t0;
                  if (last) {
                    System.err.printf(
                        "%s: %d cases in %d ms%n", file, all.size(), elapsed[0] / 1_000_000);
                  }
                }
              }));
      i++;
    }
    ScheduleVectors.report(file, unsupported, tests.size());
    return tests.stream();
  }

  private static void run(Suite suite, JsonNode c) throws Exception {
    Mls mls = Mls.getInstance(suite.suite());
    byte[] keyPackageMessage = hex(c.get("key_package"));
    byte[] signaturePriv = hex(c.get("signature_priv"));
    byte[] encryptionPriv = hex(c.get("encryption_priv"));
    byte[] initPriv = hex(c.get("init_priv"));

    // The vector's own consistency: the private keys belong to the KeyPackage's public keys.
    KeyPackage kp = MlsMessage.decode(keyPackageMessage).keyPackage();
    LeafNode leaf = kp.leafNode();
    SignatureKeyPair signatureKeys = mls.signatureKeyPair(signaturePriv);
    assertArrayEquals(leaf.signatureKey(), signatureKeys.publicKey(), "signature_priv");
    assertArrayEquals(leaf.encryptionKey(), suite.hpkePublicKey(encryptionPriv), "encryption_priv");
    assertArrayEquals(kp.initKey(), suite.hpkePublicKey(initPriv), "init_priv");

    io.agentwire.mls.internal.message.Credential cred = leaf.credential();
    MlsIdentity identity =
        mls.identity(
            Credential.of(cred.credentialType(), cred.identity(), cred.certificates()),
            signatureKeys);
    byte[] ref = Welcomes.keyPackageRef(suite, kp);
    KeyPackageStore store = KeyPackageStore.inMemory();
    store.put(
        new KeyPackageBundle(suite.suite(), keyPackageMessage, ref, initPriv, encryptionPriv));

    PskStore.InMemory psks = PskStore.inMemory();
    for (JsonNode p : c.get("external_psks")) {
      psks.put(hex(p.get("psk_id")), hex(p.get("psk")));
    }
    MlsGroupConfig config = MlsGroupConfig.builder().pskStore(psks).build();

    JsonNode tree = c.get("ratchet_tree");
    MlsGroup group =
        mls.join(hex(c.get("welcome")), tree.isNull() ? null : hex(tree), store, identity, config);
    assertEquals(
        c.get("initial_epoch_authenticator").asText(),
        hex(group.epochAuthenticator()),
        "initial epoch_authenticator");
    assertTrue(store.find(ref).isEmpty(), "the used KeyPackage is removed from the store");

    int n = 0;
    for (JsonNode e : c.get("epochs")) {
      long epoch = group.epoch();
      for (JsonNode p : e.get("proposals")) {
        ProcessResult r = group.process(hex(p));
        assertInstanceOf(ProcessResult.ProposalReceived.class, r, "epoch " + n + " proposal");
        assertEquals(epoch, group.epoch(), "a proposal does not change the epoch");
      }
      byte[] commit = hex(e.get("commit"));
      if (n == 0) {
        // A commit with its last byte changed (membership tag, confirmation tag or AEAD tag)
        // must be refused and leave the group, and its cached proposals, as they were: the real
        // commit below still applies.
        byte[] before = group.epochAuthenticator();
        byte[] bad = commit.clone();
        bad[bad.length - 1] ^= 1;
        assertThrows(MlsException.class, () -> group.process(bad), "a tampered commit");
        assertEquals(epoch, group.epoch());
        assertArrayEquals(before, group.epochAuthenticator());
      }
      ProcessResult r = group.process(commit);
      assertInstanceOf(ProcessResult.CommitApplied.class, r, "epoch " + n + " commit");
      assertEquals(epoch + 1, group.epoch(), "epoch " + n);
      assertEquals(
          e.get("epoch_authenticator").asText(),
          hex(group.epochAuthenticator()),
          "epoch_authenticator after commit " + n);
      n++;
    }
  }
}
