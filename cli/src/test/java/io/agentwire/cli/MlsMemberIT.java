package io.agentwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.testsupport.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives several {@code agentwire mls-member} processes (the real jar, one JVM each) through "A
 * group's life" of the mls-member protocol, as another implementation's driver would: over their
 * stdin and stdout, one line each way, carrying every message between them, and checking after
 * every epoch that all members agree.
 */
@Timeout(300)
class MlsMemberIT {

  @TempDir Path dir;

  private final List<Member> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (Member m : started) {
      m.kill();
    }
  }

  /** One member process. */
  final class Member {
    final String name;
    final Process process;
    final Path stderr;
    final OutputStream in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final String ready;

    Member(String name, String... options) throws Exception {
      this.name = name;
      List<String> cmd = new ArrayList<>(List.of("-jar", Cli.jar().toString(), "mls-member"));
      cmd.add("--name");
      cmd.add(name);
      cmd.add("--trace");
      cmd.addAll(List.of(options));
      stderr = Files.createTempFile(dir, name + "-", ".err");
      process = new ProcessBuilder(ChildProcess.java(cmd)).redirectError(stderr.toFile()).start();
      started.add(this);
      in = process.getOutputStream();
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "member-" + name);
      t.setDaemon(true);
      t.start();
      ready = next("(start)");
    }

    String next(String asked) throws Exception {
      String l = lines.poll(60, TimeUnit.SECONDS);
      if (l == null) {
        throw new AssertionError(
            name + " gave no answer to '" + abbreviate(asked) + "'; stderr: " + err());
      }
      return l;
    }

    /** Sends one command and returns its one answer line. */
    String send(String command) throws Exception {
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      return next(command);
    }

    /** Sends a command that must succeed and returns the answer's key=value pairs. */
    Map<String, String> ok(String command) throws Exception {
      String a = send(command);
      assertTrue(
          a.startsWith("OK "),
          name + ": '" + abbreviate(command) + "' -> " + a + "\nstderr: " + tail(err()));
      Map<String, String> kv = new LinkedHashMap<>();
      for (String pair : a.substring(3).split(" ")) {
        int eq = pair.indexOf('=');
        kv.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
      }
      return kv;
    }

    String err() {
      try {
        return Files.readString(stderr);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    void quit() throws Exception {
      assertEquals("OK bye", send("quit"));
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, process.exitValue());
    }

    void kill() {
      process.destroyForcibly();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 100) + "..." : s;
  }

  private static String tail(String s) {
    return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every member's state agrees; returns it. */
  private static Map<String, String> agree(long epoch, int count, Member... members)
      throws Exception {
    Map<String, String> first = null;
    List<String> leaves = new ArrayList<>();
    String memberList = null;
    for (Member m : members) {
      Map<String, String> s = m.ok("state");
      assertEquals(String.valueOf(epoch), s.get("epoch"), m + " " + s);
      assertEquals(String.valueOf(count), s.get("members"), m + " " + s);
      assertEquals(64, s.get("exporter").length(), m + " " + s);
      assertNotEquals("-", s.get("epoch_authenticator"), m + " " + s);
      leaves.add(s.get("leaf"));
      String list = m.ok("members").get("members");
      assertEquals(count, list.split(",").length, list);
      if (first == null) {
        first = s;
        memberList = list;
      } else {
        for (String k : List.of("epoch", "epoch_authenticator", "exporter", "group_id", "suite")) {
          assertEquals(first.get(k), s.get(k), k + " of " + m + " vs " + members[0]);
        }
        assertEquals(memberList, list, "members of " + m + " vs " + members[0]);
      }
      assertTrue(
          list.contains(s.get("leaf") + "=" + MemberIdentity.of(m.name)),
          m + " is at its leaf " + s.get("leaf") + " in " + list);
    }
    assertEquals(leaves.size(), leaves.stream().distinct().count(), "leaves " + leaves);
    // A derived secret agrees too (and differs from the exporter of the state line).
    String secret = members[0].ok("export agentwire-test 0102 16").get("secret");
    assertEquals(32, secret.length());
    for (Member m : members) {
      assertEquals(secret, m.ok("export agentwire-test 0102 16").get("secret"), m.name);
    }
    return first;
  }

  /** {@code from} encrypts; every one of {@code to} reads it. */
  private static void talk(Member from, String text, long epoch, Member... to) throws Exception {
    String msg = from.ok("encrypt-text " + text).get("message");
    for (Member m : to) {
      Map<String, String> p = m.ok("process " + msg);
      assertEquals("application", p.get("kind"), m.name);
      assertEquals(b64(text), p.get("plaintext"), m.name);
      assertEquals(String.valueOf(epoch), p.get("epoch"), m.name);
    }
  }

  private static void commitReaches(String commit, long epoch, Member... to) throws Exception {
    for (Member m : to) {
      Map<String, String> p = m.ok("process " + commit);
      assertEquals("commit", p.get("kind"), m.name);
      assertEquals(String.valueOf(epoch), p.get("epoch"), m.name);
      assertEquals("true", p.get("active"), m.name);
    }
  }

  /**
   * The protocol document's "A group's life", step by step; {@code mixed}: B and D send their
   * handshakes as PrivateMessages, the others as PublicMessages.
   */
  @ParameterizedTest(name = "handshakes {0}")
  @ValueSource(strings = {"public", "mixed"})
  void aGroupsLife(String handshakes) throws Exception {
    String[] priv =
        handshakes.equals("mixed") ? new String[] {"--handshake", "private"} : new String[0];
    Member a = new Member("A");
    Member b = new Member("B", priv);
    Member c = new Member("C");
    Member d = new Member("D", priv);
    Member e = new Member("E");
    for (Member m : List.of(a, b, c, d, e)) {
      assertEquals(
          "READY impl=agentwire name=" + m.name + " suite=1 identity=" + MemberIdentity.of(m.name),
          m.ready,
          m.err());
      assertEquals(MemberIdentity.of(m.name), m.ok("identity").get("identity"));
    }

    // 1. A creates; B joins from a Welcome.
    assertEquals("0", a.ok("create").get("epoch"));
    agree(0, 1, a);
    String kpB = b.ok("keypackage").get("keypackage");
    Map<String, String> add = a.ok("add " + kpB);
    assertEquals("1", add.get("epoch"));
    assertEquals("1", b.ok("join " + add.get("welcome")).get("epoch"));
    agree(1, 2, a, b);

    // 2. C and D in one commit; B processes it, C and D join.
    String kpC = c.ok("keypackage").get("keypackage");
    String kpD = d.ok("keypackage").get("keypackage");
    add = a.ok("add " + kpC + "," + kpD);
    assertEquals("2", add.get("epoch"));
    commitReaches(add.get("commit"), 2, b);
    assertEquals("2", c.ok("join " + add.get("welcome")).get("epoch"));
    assertEquals("2", d.ok("join " + add.get("welcome")).get("epoch"));
    agree(2, 4, a, b, c, d);

    // 3. Everyone talks to everyone.
    talk(a, "hello from A", 2, b, c, d);
    talk(b, "hello from B", 2, a, c, d);
    talk(c, "hello from C", 2, a, b, d);
    talk(d, "hello from D, with  two spaces", 2, a, b, c);
    String binary = Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 0xff});
    String bin = a.ok("encrypt " + binary).get("message");
    assertEquals(binary, b.ok("process " + bin).get("plaintext"));

    // 4. B updates its keys.
    Map<String, String> up = b.ok("update");
    assertEquals("3", up.get("epoch"));
    commitReaches(up.get("commit"), 3, a, c, d);
    agree(3, 4, a, b, c, d);
    talk(c, "after the update", 3, a, b, d);

    // 5. B removes C; C learns it, and reads nothing of the next epoch.
    Map<String, String> before = c.ok("state");
    Map<String, String> rm = b.ok("remove C");
    assertEquals("4", rm.get("epoch"));
    commitReaches(rm.get("commit"), 4, a, d);
    Map<String, String> removed = c.ok("process " + rm.get("commit"));
    assertEquals("commit", removed.get("kind"));
    assertEquals("false", removed.get("active"), removed.toString());
    agree(4, 3, a, b, d);
    String secret = a.ok("encrypt-text C must not read this").get("message");
    assertTrue(c.send("process " + secret).startsWith("ERR process: "));
    assertEquals("C must not read this", decode(b.ok("process " + secret).get("plaintext")));
    assertNotEquals(before.get("exporter"), a.ok("state").get("exporter"));

    // 6. E joins by external commit from B's GroupInfo.
    e.ok("keypackage");
    String gi = b.ok("groupinfo").get("groupinfo");
    Map<String, String> ext = e.ok("external-join " + gi);
    assertEquals("5", ext.get("epoch"));
    commitReaches(ext.get("commit"), 5, a, b, d);
    assertTrue(c.send("process " + ext.get("commit")).startsWith("ERR process: "));
    agree(5, 4, a, b, d, e);
    talk(e, "hello from E", 5, a, b, d);

    // 7. A loses its state (a new process) and rejoins by external commit, removing its old leaf.
    a.quit();
    Member a2 = new Member("A");
    a2.ok("keypackage");
    gi = d.ok("groupinfo").get("groupinfo");
    Map<String, String> resync = a2.ok("external-join " + gi + " resync");
    assertEquals("6", resync.get("epoch"));
    commitReaches(resync.get("commit"), 6, b, d, e);
    agree(6, 4, a2, b, d, e);
    talk(a2, "A is back", 6, b, d, e);
    talk(b, "welcome back A", 6, a2, d, e);

    // And the group goes on: one more update from the rejoined member.
    up = a2.ok("update");
    commitReaches(up.get("commit"), 7, b, d, e);
    agree(7, 4, a2, b, d, e);
    for (Member m : List.of(a2, b, c, d, e)) {
      m.quit();
    }
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  @Test
  void badInputIsAnsweredWithErrAndChangesNothing() throws Exception {
    Member a = new Member("A");
    Member b = new Member("B");
    assertTrue(a.send("state").startsWith("ERR state: "), "no group yet");
    assertTrue(a.send("process " + b64("x")).startsWith("ERR process: "));
    a.ok("create 00112233445566778899aabbccddeeff");
    assertEquals("00112233445566778899aabbccddeeff", a.ok("state").get("group_id"));
    String kpB = b.ok("keypackage").get("keypackage");
    Map<String, String> add = a.ok("add " + kpB);
    b.ok("join " + add.get("welcome"));
    Map<String, String> stateA = agree(1, 2, a, b);
    String commit = a.ok("update").get("commit");
    Map<String, String> stateB = b.ok("state");
    String app = a.ok("encrypt-text hi").get("message");
    String gi = a.ok("groupinfo").get("groupinfo");

    byte[] flipped = Base64.getDecoder().decode(commit);
    flipped[flipped.length / 2] ^= 0x01;
    List<String> bad =
        List.of(
            "process !!!not base64!!!",
            "process " + b64("garbage that is no MLS message"),
            "process " + kpB, // a KeyPackage is no message to process
            "process " + gi, // nor is a GroupInfo
            "process " + Base64.getEncoder().encodeToString(flipped),
            "process " + app, // an application message of an epoch B does not have yet
            "join " + add.get("welcome"), // a Welcome for a KeyPackage already used
            "add " + b64("not a key package"),
            "add " + kpB + ",@@@",
            "remove nobody-by-that-name",
            "remove leaf:77",
            "export label zz 16",
            "frobnicate",
            "encrypt %%%",
            "external-join " + b64("no group info"));
    for (String line : bad) {
      String answer = b.send(line);
      assertTrue(
          answer.startsWith("ERR " + line.split(" ")[0] + ": "),
          line.substring(0, Math.min(40, line.length())) + " -> " + answer);
      assertEquals(stateB, b.ok("state"), "B's state after " + abbreviate(line));
    }
    assertTrue(b.process.isAlive());
    // The real commit still applies after all that, and the group still talks.
    commitReaches(commit, 2, b);
    assertEquals("hi", decode(b.ok("process " + app).get("plaintext")));
    assertNotEquals(stateA.get("exporter"), b.ok("state").get("exporter"));
    agree(2, 2, a, b);
    // Replaying the commit now is an error and changes nothing either.
    Map<String, String> now = b.ok("state");
    assertTrue(b.send("process " + commit).startsWith("ERR process: "));
    assertEquals(now, b.ok("state"));

    // A line far longer than any message is refused without buffering it, and B goes on.
    String huge = "process " + "A".repeat(MemberSession.MAX_LINE + 10);
    assertEquals(
        "ERR process: line longer than " + MemberSession.MAX_LINE + " bytes, ignored",
        b.send(huge));
    assertEquals(now, b.ok("state"));
    a.quit();
    b.quit();
  }

  @Test
  void startsReadyOrExplainsWhyNot() throws Exception {
    Member a = new Member("agent:1@fleet.example", "--suite", "1");
    assertEquals(
        "READY impl=agentwire name=agent:1@fleet.example suite=1 identity=agent:1@fleet.example",
        a.ready);
    assertTrue(a.err().isEmpty() || !a.err().contains("READY"));
    a.quit();
    for (String[] bad :
        new String[][] {
          {"--suite", "9"}, {"--suite", "x"}, {"--handshake", "sideways"},
        }) {
      Member m = new Member("Z", bad);
      assertTrue(m.ready.startsWith("ERR init: "), String.join(" ", bad) + " -> " + m.ready);
      assertTrue(m.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(2, m.process.exitValue());
    }
    // The end of input ends the member with exit 0.
    Member b = new Member("B");
    b.in.close();
    assertTrue(b.process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, b.process.exitValue());
    assertFalse(b.process.isAlive());
  }
}
