package io.agentwire.cli;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.Credential;
import io.agentwire.mls.ExternalJoin;
import io.agentwire.mls.KeyPackageBundle;
import io.agentwire.mls.Mls;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsGroup;
import io.agentwire.mls.MlsGroupConfig;
import io.agentwire.mls.MlsIdentity;
import io.agentwire.mls.PendingCommit;
import io.agentwire.mls.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's group act: five agents form an MLS (RFC 9420) group, talk, remove one (who then reads
 * nothing), and one crashes and rejoins by external commit. In one process; the "delivery service"
 * is this class handing each message to every other member.
 */
final class DemoGroupAct {

  /** Where a finished step is reported: its name, when it started, what happened. */
  interface Steps {
    void step(String name, long startNanos, String detail);
  }

  private static final List<String> NAMES = List.of("ada", "bo", "cy", "di", "eve");

  private final Steps steps;
  private final Mls mls;
  private final MlsGroupConfig config = MlsGroupConfig.defaults();
  private final Map<String, MlsIdentity> identities = new LinkedHashMap<>();
  private final Map<String, MlsGroup> groups = new LinkedHashMap<>();

  private DemoGroupAct(Steps steps, Mls mls) {
    this.steps = steps;
    this.mls = mls;
  }

  /** Runs the act, steps numbered from {@code first}; false if MLS cannot run here. */
  static boolean run(Steps steps, int first) throws MlsException {
    long t = System.nanoTime();
    Mls mls;
    try {
      mls = Mls.getInstance(CipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
    } catch (MlsException e) {
      steps.step(first + ". MLS group", t, "skipped: " + Errors.oneLine(e));
      return false;
    }
    new DemoGroupAct(steps, mls).play(first);
    return true;
  }

  private void play(int n) throws MlsException {
    // Form: ada creates the group and adds the other four in one commit; they join from the
    // Welcome.
    long t = System.nanoTime();
    for (String name : NAMES) {
      identities.put(name, newIdentity(name));
    }
    MlsGroup ada = mls.createGroup(identities.get("ada"), config);
    groups.put("ada", ada);
    var builder = ada.commitBuilder();
    Map<String, KeyPackageBundle> kps = new LinkedHashMap<>();
    for (String name : NAMES.subList(1, NAMES.size())) {
      KeyPackageBundle kp = mls.createKeyPackage(identities.get(name), config);
      kps.put(name, kp);
      builder.add(kp.keyPackage());
    }
    PendingCommit add = builder.build();
    ada.mergePendingCommit();
    for (var e : kps.entrySet()) {
      groups.put(
          e.getKey(), mls.join(add.welcome(), e.getValue(), identities.get(e.getKey()), config));
    }
    steps.step(
        n++ + ". a group of five",
        t,
        "ada adds bo, cy, di and eve in one commit (one Welcome, "
            + add.welcome().length
            + " bytes); epoch "
            + ada.epoch()
            + ", all five agree on "
            + agreement());

    // Talk: everyone sends one message, everyone else reads it.
    t = System.nanoTime();
    int read = 0;
    for (String from : NAMES) {
      read += broadcast(from, "hello from " + from);
    }
    steps.step(
        n++ + ". group messages",
        t,
        NAMES.size()
            + " messages, "
            + read
            + " decryptions (each sender's key is its own ratchet)");

    // Update: bo rotates its keys; the others follow.
    t = System.nanoTime();
    commitFrom("bo", groups.get("bo").commitBuilder().forcePath().build());
    steps.step(
        n++ + ". bo updates its keys",
        t,
        "one commit with a fresh path (post-compromise security): epoch "
            + groups.get("bo").epoch()
            + ", "
            + agreement());

    // Remove: ada removes di; di sees it, and cannot read the next epoch.
    t = System.nanoTime();
    MlsGroup di = groups.get("di");
    int diLeaf = di.ownLeafIndex();
    PendingCommit remove = ada.commitBuilder().remove(diLeaf).build();
    ada.mergePendingCommit();
    ProcessResult seen = di.process(remove.commitMessage());
    groups.remove("di");
    for (var e : groups.entrySet()) {
      if (!e.getKey().equals("ada")) {
        e.getValue().process(remove.commitMessage());
      }
    }
    byte[] secret = groups.get("eve").encrypt(utf8("di must not read this"));
    for (var e : groups.entrySet()) {
      if (!e.getKey().equals("eve")) {
        e.getValue().process(secret);
      }
    }
    String diOutcome;
    try {
      di.process(secret);
      throw new IllegalStateException("di, removed, decrypted a message of the next epoch");
    } catch (MlsException expected) {
      diOutcome = "di cannot read eve's next message (" + Errors.oneLine(expected) + ")";
    }
    steps.step(
        n++ + ". di is removed",
        t,
        "di sees "
            + (seen instanceof ProcessResult.Removed
                ? "'you were removed'"
                : seen.getClass().getSimpleName())
            + "; "
            + diOutcome
            + "; the other four: "
            + agreement());

    // Crash: cy loses all its state and rejoins by external commit, replacing its old leaf.
    t = System.nanoTime();
    groups.remove("cy");
    MlsIdentity cyAgain = newIdentity("cy"); // a new signature key: nothing survived the crash
    byte[] groupInfo = groups.get("bo").groupInfo(true);
    ExternalJoin rejoin = mls.joinByExternalCommit(groupInfo, null, cyAgain, config, true);
    for (MlsGroup g : groups.values()) {
      g.process(rejoin.commitMessage());
    }
    groups.put("cy", rejoin.group());
    int heard = broadcast("cy", "cy is back");
    steps.step(
        n++ + ". cy crashes, rejoins",
        t,
        "an external commit from bo's GroupInfo removes cy's old leaf: "
            + groups.get("ada").members().size()
            + " members, epoch "
            + rejoin.group().epoch()
            + "; "
            + heard
            + " read cy's first message; "
            + agreement());
  }

  private MlsIdentity newIdentity(String name) {
    return mls.identity(
        Credential.basic(utf8(MemberIdentity.of(name))), mls.generateSignatureKeyPair());
  }

  /** {@code from} sends {@code text}; returns how many others read it back exactly. */
  private int broadcast(String from, String text) throws MlsException {
    byte[] m = groups.get(from).encrypt(utf8(text));
    int read = 0;
    for (var e : groups.entrySet()) {
      if (!e.getKey().equals(from)) {
        ProcessResult r = e.getValue().process(m);
        if (!(r instanceof ProcessResult.ApplicationMessage)
            || !new String(((ProcessResult.ApplicationMessage) r).data(), StandardCharsets.UTF_8)
                .equals(text)) {
          throw new IllegalStateException(
              e.getKey() + " did not read " + from + "'s message: " + r);
        }
        read++;
      }
    }
    return read;
  }

  private void commitFrom(String from, PendingCommit c) throws MlsException {
    groups.get(from).mergePendingCommit();
    for (var e : groups.entrySet()) {
      if (!e.getKey().equals(from)) {
        e.getValue().process(c.commitMessage());
      }
    }
  }

  /** The epoch authenticator every current member holds; a disagreement fails the demo. */
  private String agreement() throws MlsException {
    List<String> seen = new ArrayList<>();
    String first = null;
    for (var e : groups.entrySet()) {
      String ea = HexFormat.of().formatHex(e.getValue().epochAuthenticator());
      seen.add(e.getKey() + "=" + ea.substring(0, 8));
      if (first == null) {
        first = ea;
      } else if (!first.equals(ea)) {
        throw new IllegalStateException("the members disagree on the epoch: " + seen);
      }
    }
    return "epoch authenticator " + first.substring(0, 16) + "...";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
