package io.agentwire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The line protocol of {@code agentwire mls-member}: one command a line in, exactly one {@code OK
 * ...} or {@code ERR COMMAND: REASON} line out, for a {@link MemberEngine}. A failed command leaves
 * the member as it was and the session goes on; only {@code quit} and the end of input end it.
 * Lines are bounded ({@link #MAX_LINE} bytes): a longer one is skipped to its end and answered with
 * an error, never buffered whole.
 */
final class MemberSession {

  /** The longest line read, in bytes: room for the Welcome of a group of some 100,000 members. */
  static final int MAX_LINE = 64 << 20;

  private static final HexFormat HEX = HexFormat.of();

  private final MemberEngine engine;
  private final PrintStream trace;
  private final int maxLine;
  private boolean quit;

  /**
   * @param trace where each command and its answer are logged, or null
   */
  MemberSession(MemberEngine engine, PrintStream trace, int maxLine) {
    this.engine = engine;
    this.trace = trace;
    this.maxLine = maxLine;
  }

  /** Answers every line of {@code in} on {@code out} until {@code quit} or the end of input. */
  void run(InputStream in, PrintStream out) throws IOException {
    LineReader lines = new LineReader(in, maxLine);
    while (!quit) {
      LineReader.Line line = lines.next();
      if (line == null) {
        return;
      }
      String answer;
      if (line.overflow()) {
        answer =
            "ERR " + commandOf(line.bytes()) + ": line longer than " + maxLine + " bytes, ignored";
      } else if (isBlank(line.bytes())) {
        continue; // no command, so no answer: a stray empty line must not shift the answers
      } else {
        answer = handle(line.bytes());
      }
      out.print(answer);
      out.print('\n');
      out.flush();
    }
  }

  /** Whether {@code quit} was handled. */
  boolean quit() {
    return quit;
  }

  /** The answer to one command line (without its line end). */
  String handle(byte[] line) {
    String cmd = commandOf(line);
    long start = System.nanoTime();
    if (trace != null) {
      trace.println("> " + abbreviate(new String(line, StandardCharsets.UTF_8)));
    }
    String answer;
    try {
      answer = "OK " + dispatch(cmd, line);
    } catch (Refusal e) {
      answer = "ERR " + cmd + ": " + oneLine(e.getMessage());
    } catch (GeneralSecurityException e) {
      answer = "ERR " + cmd + ": " + reason(e);
    } catch (RuntimeException e) {
      // An engine defect must not end the member or leave it without an answer.
      answer = "ERR " + cmd + ": internal error: " + oneLine(String.valueOf(e));
      if (trace != null) {
        e.printStackTrace(trace);
      }
    }
    if (trace != null) {
      trace.printf(
          Locale.ROOT, "< %s (%.1f ms)%n", abbreviate(answer), (System.nanoTime() - start) / 1e6);
    }
    return answer;
  }

  private String dispatch(String cmd, byte[] line) throws GeneralSecurityException {
    if (cmd.equals("encrypt-text")) {
      int from = Math.min(line.length, "encrypt-text ".length());
      byte[] text = Arrays.copyOfRange(line, from, line.length);
      return "message=" + b64(engine.encrypt(text));
    }
    String[] a = tokens(line);
    switch (cmd) {
      case "identity":
        args(a, 0, 0, "identity");
        return "identity=" + safe(engine.identity());
      case "keypackage":
        args(a, 0, 0, "keypackage");
        return "keypackage=" + b64(engine.keyPackage());
      case "create":
        args(a, 0, 1, "create [GROUPID_HEX]");
        engine.create(a.length > 1 ? hex(a[1], "group id") : null);
        return "epoch=0";
      case "add":
        {
          args(a, 1, 1, "add KP[,KP...]");
          List<byte[]> kps = new ArrayList<>();
          for (String kp : a[1].split(",", -1)) {
            kps.add(unb64(kp, "key package"));
          }
          MemberEngine.Commit c = engine.add(kps);
          if (c.welcome() == null) {
            throw new IllegalStateException("an add commit without a Welcome");
          }
          return "commit="
              + b64(c.commit())
              + " welcome="
              + b64(c.welcome())
              + " epoch="
              + c.epoch();
        }
      case "join":
        args(a, 1, 1, "join WELCOME");
        return "epoch=" + engine.join(unb64(a[1], "welcome"));
      case "process":
        {
          args(a, 1, 1, "process MSG");
          MemberEngine.Processed p = engine.process(unb64(a[1], "message"));
          switch (p.kind()) {
            case APPLICATION:
              return "kind=application plaintext=" + b64(p.plaintext()) + " epoch=" + p.epoch();
            case COMMIT:
              return "kind=commit epoch=" + p.epoch() + " active=" + p.active();
            default:
              return "kind=proposal";
          }
        }
      case "encrypt":
        args(a, 1, 1, "encrypt B64");
        return "message=" + b64(engine.encrypt(unb64(a[1], "plaintext")));
      case "update":
        args(a, 0, 0, "update");
        return commit(engine.update());
      case "remove":
        args(a, 1, 1, "remove NAME|leaf:N");
        return commit(engine.remove(leafOf(a[1])));
      case "state":
        {
          args(a, 0, 0, "state");
          MemberEngine.State s = engine.state();
          return "epoch="
              + s.epoch()
              + " epoch_authenticator="
              + (s.epochAuthenticator() == null ? "-" : HEX.formatHex(s.epochAuthenticator()))
              + " exporter="
              + HEX.formatHex(s.exporter())
              + " members="
              + s.members()
              + " leaf="
              + s.leaf()
              + " group_id="
              + HEX.formatHex(s.groupId())
              + " suite="
              + s.suite();
        }
      case "export":
        {
          args(a, 3, 3, "export LABEL CONTEXT_HEX|- LENGTH");
          byte[] context = a[2].equals("-") ? new byte[0] : hex(a[2], "context");
          int length = number(a[3], "length", 0xffff);
          return "secret=" + HEX.formatHex(engine.export(a[1], context, length));
        }
      case "members":
        {
          args(a, 0, 0, "members");
          StringBuilder sb = new StringBuilder("members=");
          String sep = "";
          for (MemberEngine.Member m : engine.members()) {
            sb.append(sep)
                .append(m.leaf())
                .append('=')
                .append(safe(new String(m.identity(), StandardCharsets.UTF_8)));
            sep = ",";
          }
          return sb.toString();
        }
      case "groupinfo":
        args(a, 0, 0, "groupinfo");
        return "groupinfo=" + b64(engine.groupInfo());
      case "external-join":
        {
          args(a, 1, 2, "external-join GROUPINFO [resync]");
          if (a.length > 2 && !a[2].equals("resync")) {
            throw new Refusal("usage: external-join GROUPINFO [resync]");
          }
          return commit(engine.externalJoin(unb64(a[1], "group info"), a.length > 2));
        }
      case "quit":
        args(a, 0, 0, "quit");
        quit = true;
        return "bye";
      default:
        throw new Refusal(
            "unknown command (identity, keypackage, create, add, join, process, encrypt,"
                + " encrypt-text, update, remove, state, export, members, groupinfo, external-join,"
                + " quit)");
    }
  }

  private static String commit(MemberEngine.Commit c) {
    return "commit=" + b64(c.commit()) + " epoch=" + c.epoch();
  }

  /** {@code leaf:N}, or the leaf of the member whose identity {@code name} derives. */
  private int leafOf(String target) throws GeneralSecurityException {
    if (target.startsWith("leaf:")) {
      return number(target.substring(5), "leaf index", Integer.MAX_VALUE);
    }
    byte[] identity = MemberIdentity.of(target).getBytes(StandardCharsets.UTF_8);
    for (MemberEngine.Member m : engine.members()) {
      if (Arrays.equals(m.identity(), identity)) {
        return m.leaf();
      }
    }
    throw new Refusal("no member named " + safe(target) + " (" + MemberIdentity.of(target) + ")");
  }

  /** A failure found by the line protocol itself, before the engine was asked. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  private static void args(String[] a, int min, int max, String usage) {
    int n = a.length - 1;
    if (n < min || n > max) {
      throw new Refusal("usage: " + usage);
    }
  }

  private static int number(String s, String what, int max) {
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Refusal("bad " + what + " '" + abbreviate(s) + "'");
    }
    long v = Long.parseLong(s);
    if (v > max) {
      throw new Refusal(what + " " + v + " is larger than " + max);
    }
    return (int) v;
  }

  private static byte[] hex(String s, String what) {
    try {
      return HEX.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new Refusal("bad hex for the " + what);
    }
  }

  private static byte[] unb64(String s, String what) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      if (b.length == 0) {
        throw new Refusal("empty " + what);
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new Refusal("bad base64 for the " + what + ": " + oneLine(e.getMessage()));
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static String reason(GeneralSecurityException e) {
    String m = e.getMessage();
    String r =
        e instanceof io.agentwire.mls.MlsException
            ? ((io.agentwire.mls.MlsException) e).reason().name().toLowerCase(Locale.ROOT)
            : e.getClass().getSimpleName();
    return m == null || m.isBlank() ? r : r + ": " + oneLine(m);
  }

  /** The words of a line; the first is the command. */
  private static String[] tokens(byte[] line) {
    String s = new String(line, StandardCharsets.UTF_8).strip();
    return s.split("[ \t]+");
  }

  /** The first word of a line (at most 40 characters), for answers. */
  static String commandOf(byte[] line) {
    int i = 0;
    while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    int j = i;
    while (j < line.length && j - i < 40 && line[j] != ' ' && line[j] != '\t') {
      j++;
    }
    String c = safe(new String(line, i, j - i, StandardCharsets.UTF_8));
    return c.isEmpty() ? "-" : c;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Text for a value in an answer, which may hold no space: whitespace, controls, {@code ,}, {@code
   * =} and {@code %} are written as {@code %XX} of their UTF-8 bytes.
   */
  static String safe(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp <= ' '
          || cp == 0x7f
          || cp == ','
          || cp == '='
          || cp == '%'
          || Character.isWhitespace(cp)) {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
      } else {
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  private static String oneLine(String m) {
    return m == null ? "" : m.replaceAll("[\\r\\n]+", " ");
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
  }
}
