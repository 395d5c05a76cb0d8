package io.agentwire.cli;

import io.agentwire.mls.CipherSuite;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code agentwire mls-member}: one MLS group member driven over stdin and stdout by the line
 * protocol of {@code mls-member-protocol.md} (one command a line, one answer a line). Logs go to
 * stderr only; stdout carries nothing but answers, and {@code System.out} is pointed at stderr
 * while the member runs so that nothing else can write there.
 */
@Command(
    name = "mls-member",
    mixinStandardHelpOptions = true,
    description =
        "Be one MLS (RFC 9420) group member, scripted on stdin/stdout: one command a line"
            + " (identity, keypackage, create, add, join, process, encrypt, encrypt-text, update,"
            + " remove, state, export, members, groupinfo, external-join, quit), one OK or ERR"
            + " answer a line.")
final class MlsMemberCommand implements Callable<Integer> {

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "This member's name; its credential identity is derived from it (or is NAME itself when"
              + " it holds both ':' and '@').")
  String name;

  @Option(
      names = "--suite",
      paramLabel = "1..7",
      defaultValue = "1",
      description = "The RFC 9420 cipher suite number (default ${DEFAULT-VALUE}).")
  String suite;

  @Option(
      names = "--handshake",
      paramLabel = "public|private",
      defaultValue = "public",
      description =
          "How this member sends commits: PublicMessage (default) or PrivateMessage; it accepts"
              + " both.")
  String handshake;

  @Option(names = "--trace", description = "Log each command and its answer on stderr.")
  boolean trace;

  @Override
  public Integer call() throws Exception {
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    PrintStream err = System.err;
    System.setOut(err);
    try {
      MemberEngine engine;
      try {
        engine = open(name, suite, handshake);
      } catch (InitError e) {
        out.print("ERR init: " + e.getMessage().replaceAll("[\\r\\n]+", " ") + "\n");
        out.flush();
        return Main.USAGE;
      }
      out.print(
          "READY impl=agentwire name="
              + MemberSession.safe(name)
              + " suite="
              + engine.suite()
              + " identity="
              + MemberSession.safe(engine.identity())
              + "\n");
      out.flush();
      MemberSession session = new MemberSession(engine, trace ? err : null, MemberSession.MAX_LINE);
      session.run(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16), out);
      return Main.OK;
    } finally {
      out.flush();
    }
  }

  /** Checks the options and makes the member. */
  static MemberEngine open(String name, String suite, String handshake) throws InitError {
    if (name == null || name.isEmpty()) {
      throw new InitError("--name NAME is required");
    }
    int id;
    try {
      id = Integer.parseInt(suite);
    } catch (NumberFormatException e) {
      throw new InitError("--suite must be a number 1..7, not '" + suite + "'");
    }
    Optional<CipherSuite> cs = CipherSuite.fromId(id);
    if (cs.isEmpty()) {
      throw new InitError("unknown cipher suite " + id + " (RFC 9420 defines 1..7)");
    }
    if (!cs.get().isSupported()) {
      throw new InitError("cipher suite " + id + " (" + cs.get() + ") is not supported here");
    }
    boolean privateHandshake;
    if (handshake.equals("public")) {
      privateHandshake = false;
    } else if (handshake.equals("private")) {
      privateHandshake = true;
    } else {
      throw new InitError("--handshake must be public or private, not '" + handshake + "'");
    }
    try {
      return new MlsEngine(MemberIdentity.of(name), cs.get(), privateHandshake);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new InitError(Errors.oneLine(e));
    }
  }

  /** Why the member could not start: answered as {@code ERR init: ...}, exit 2. */
  static final class InitError extends Exception {
    private static final long serialVersionUID = 1L;

    InitError(String message) {
      super(message);
    }
  }
}
