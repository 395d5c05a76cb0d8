package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.MlsException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line protocol alone, over an engine that records what it was asked. */
class MemberSessionTest {

  /** A stand-in group: an epoch counter and a member list, changed only by calls that succeed. */
  static final class FakeEngine implements MemberEngine {
    long epoch = -1;
    final List<String> members = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    byte[] lastPlaintext;

    private void inGroup() throws MlsException {
      if (epoch < 0) {
        throw new MlsException(MlsException.Reason.STATE, "not in a group");
      }
    }

    @Override
    public String identity() {
      return MemberIdentity.of("A");
    }

    @Override
    public int suite() {
      return 1;
    }

    @Override
    public byte[] keyPackage() {
      return "KP:fresh".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void create(byte[] groupId) {
      calls.add("create " + (groupId == null ? "random" : groupId.length));
      epoch = 0;
      members.add(identity());
    }

    @Override
    public Commit add(List<byte[]> kps) throws GeneralSecurityException {
      inGroup();
      for (byte[] kp : kps) {
        if (!new String(kp, StandardCharsets.UTF_8).startsWith("KP:")) {
          throw new MlsException(MlsException.Reason.MALFORMED, "not a KeyPackage");
        }
      }
      for (byte[] kp : kps) {
        members.add(MemberIdentity.of(new String(kp, StandardCharsets.UTF_8).substring(3)));
      }
      epoch++;
      return new Commit(new byte[] {1}, new byte[] {2}, epoch);
    }

    @Override
    public long join(byte[] welcome) throws GeneralSecurityException {
      throw new MlsException(MlsException.Reason.MALFORMED, "no Welcome");
    }

    @Override
    public Processed process(byte[] message) throws GeneralSecurityException {
      inGroup();
      String m = new String(message, StandardCharsets.UTF_8);
      if (m.equals("commit")) {
        epoch++;
        return Processed.commit(epoch, true);
      }
      if (m.equals("bye")) {
        return Processed.commit(epoch + 1, false);
      }
      if (m.startsWith("app:")) {
        return Processed.application(m.substring(4).getBytes(StandardCharsets.UTF_8), epoch);
      }
      if (m.equals("boom")) {
        throw new ArrayIndexOutOfBoundsException(7);
      }
      throw new MlsException(MlsException.Reason.WRONG_EPOCH, "epoch 9 is not held\nat all");
    }

    @Override
    public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
      inGroup();
      lastPlaintext = plaintext;
      return plaintext;
    }

    @Override
    public Commit update() throws GeneralSecurityException {
      inGroup();
      return new Commit(new byte[] {3}, null, ++epoch);
    }

    @Override
    public Commit remove(int leaf) throws GeneralSecurityException {
      inGroup();
      calls.add("remove " + leaf);
      members.remove(leaf);
      return new Commit(new byte[] {4}, null, ++epoch);
    }

    @Override
    public State state() throws GeneralSecurityException {
      inGroup();
      return new State(
          epoch, null, new byte[] {(byte) 0xab, 0x01}, members.size(), 0, new byte[] {0x0f}, 1);
    }

    @Override
    public byte[] export(String label, byte[] context, int length) throws GeneralSecurityException {
      inGroup();
      calls.add("export " + label + " " + context.length + " " + length);
      return new byte[length];
    }

    @Override
    public List<Member> members() throws GeneralSecurityException {
      inGroup();
      List<Member> out = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        out.add(new Member(i, members.get(i).getBytes(StandardCharsets.UTF_8)));
      }
      return out;
    }

    @Override
    public byte[] groupInfo() throws GeneralSecurityException {
      inGroup();
      return new byte[] {5};
    }

    @Override
    public Commit externalJoin(byte[] groupInfo, boolean resync) throws GeneralSecurityException {
      calls.add("external-join " + resync);
      epoch = 7;
      return new Commit(new byte[] {6}, null, epoch);
    }
  }

  private final FakeEngine engine = new FakeEngine();
  private final MemberSession session = new MemberSession(engine, null, 1 << 16);

  private String ask(String line) {
    return session.handle(line.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void answersEachCommandWithItsKeys() {
    assertEquals("OK identity=" + MemberIdentity.of("A"), ask("identity"));
    assertEquals("OK keypackage=" + b64("KP:fresh"), ask("keypackage"));
    assertTrue(ask("state").startsWith("ERR state: state: "), ask("state"));
    assertEquals("OK epoch=0", ask("create 00ff"));
    assertEquals("[create 2]", engine.calls.toString());
    assertEquals(
        "OK commit=AQ== welcome=Ag== epoch=1", ask("add " + b64("KP:B") + "," + b64("KP:C")));
    assertEquals(
        "OK epoch=1 epoch_authenticator=- exporter=ab01 members=3 leaf=0 group_id=0f suite=1",
        ask("state"));
    assertEquals(
        "OK members=0="
            + MemberIdentity.of("A")
            + ",1="
            + MemberIdentity.of("B")
            + ",2="
            + MemberIdentity.of("C"),
        ask("members"));
    assertEquals("OK kind=commit epoch=2 active=true", ask("process " + b64("commit")));
    assertEquals(
        "OK kind=application plaintext=" + b64("hi there") + " epoch=2",
        ask("process " + b64("app:hi there")));
    assertEquals("OK kind=commit epoch=3 active=false", ask("process " + b64("bye")));
    assertEquals("OK commit=Aw== epoch=3", ask("update"));
    assertEquals("OK commit=BA== epoch=4", ask("remove C"));
    assertEquals("OK commit=BA== epoch=5", ask("remove leaf:1"));
    assertEquals("[create 2, remove 2, remove 1]", engine.calls.toString());
    assertEquals("OK secret=000000", ask("export my-label - 3"));
    assertEquals("OK secret=00", ask("export other 0a0b 1"));
    assertEquals("OK groupinfo=BQ==", ask("groupinfo"));
    assertEquals("OK commit=Bg== epoch=7", ask("external-join BQ== resync"));
    assertEquals(
        "[create 2, remove 2, remove 1, export my-label 0 3, export other 2 1, external-join true]",
        engine.calls.toString());
    assertFalse(session.quit());
    assertEquals("OK bye", ask("quit"));
    assertTrue(session.quit());
  }

  @Test
  void encryptTextTakesTheRestOfTheLineVerbatim() {
    ask("create");
    assertEquals(
        "OK message=" + b64("  two  spaces, ünïcode "),
        ask("encrypt-text   two  spaces, ünïcode "));
    assertArrayEquals(
        "  two  spaces, ünïcode ".getBytes(StandardCharsets.UTF_8), engine.lastPlaintext);
    assertEquals("OK message=", ask("encrypt-text"));
    assertEquals(0, engine.lastPlaintext.length);
    assertEquals("OK message=" + b64("xyz"), ask("encrypt " + b64("xyz")));
  }

  @Test
  void badInputIsAnErrorThatChangesNothing() {
    ask("create");
    ask("add " + b64("KP:B"));
    String before = ask("state");
    List<String> bad =
        List.of(
            "process !!!not-base64!!!",
            "process " + b64("something else"),
            "process",
            "process a b",
            "add " + b64("KP:C") + "," + b64("garbage"),
            "add " + b64("KP:C") + ",",
            "remove nobody",
            "remove leaf:x",
            "remove leaf:99999999999",
            "export l zz 3",
            "export l - 70000",
            "export l - -1",
            "create 0g",
            "external-join BQ== now",
            "frobnicate 1 2 3",
            "STATE",
            "join " + b64("not a welcome"));
    for (String line : bad) {
      String answer = ask(line);
      String cmd = line.split(" ")[0];
      assertTrue(answer.startsWith("ERR " + cmd + ": "), line + " -> " + answer);
      assertFalse(answer.contains("\n"), answer);
      assertEquals(before, ask("state"), "after " + line);
    }
    assertEquals(
        "ERR process: wrong_epoch: epoch 9 is not held at all", ask("process " + b64("elsewhere")));
    // An engine defect is an answer too, and the member goes on.
    assertTrue(ask("process " + b64("boom")).startsWith("ERR process: internal error: "), "defect");
    assertEquals(before, ask("state"));
  }

  @Test
  void theSessionAnswersOneLinePerCommandSkipsBlankLinesAndStopsAtQuit() throws Exception {
    String input =
        "identity\n\n   \ncreate\r\nadd " + "A".repeat(200) + "\nnope\nstate\nquit\nidentity\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MemberSession s = new MemberSession(engine, null, 100);
    s.run(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertEquals(7, lines.length, String.join("|", lines)); // six answers and the final newline
    assertTrue(lines[0].startsWith("OK identity="));
    assertEquals("OK epoch=0", lines[1]);
    assertEquals("ERR add: line longer than 100 bytes, ignored", lines[2]);
    assertTrue(lines[3].startsWith("ERR nope: unknown command"), lines[3]);
    assertTrue(lines[4].startsWith("OK epoch=0 "), lines[4]);
    assertEquals("OK bye", lines[5]);
    assertEquals("", lines[6]);
  }

  @Test
  void valuesNeverHoldSpacesCommasOrEquals() {
    assertEquals("a%20b%2Cc%3Dd%25e%0Af", MemberSession.safe("a b,c=d%e\nf"));
    assertEquals("zoë:1@x", MemberSession.safe("zoë:1@x"));
  }
}
