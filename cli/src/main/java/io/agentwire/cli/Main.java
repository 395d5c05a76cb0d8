package io.agentwire.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code agentwire} command line: an {@code openssl s_client}-like tool to create identities,
 * serve and open AgentWire connections, inspect the installation, watch a demo and measure.
 *
 * <p>Exit codes: 0 success, 1 connection, handshake or verification failure (and other runtime
 * failures), 2 usage error. Errors are one line on stderr; {@code --verbose} adds the stack trace.
 */
@Command(
    name = "agentwire",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Secure agent-to-agent connections: Noise handshakes behind a socket factory.",
    subcommands = {
      KeygenCommand.class,
      PubkeyCommand.class,
      ListenCommand.class,
      ConnectCommand.class,
      InfoCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      MlsMemberCommand.class
    })
public final class Main implements Runnable {

  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FAILURE);
    cl.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println(
              "agentwire: "
                  + e.getMessage()
                  + " (see 'agentwire "
                  + (e.getCommandLine() == cl ? "" : e.getCommandLine().getCommandName() + " ")
                  + "--help')");
          err.flush();
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          PrintWriter err = c.getErr();
          if (e instanceof UsageError) {
            err.println("agentwire: " + e.getMessage());
            err.flush();
            return USAGE;
          }
          err.println("agentwire: " + Errors.oneLine(e));
          if (isVerbose(parsed)) {
            e.printStackTrace(err);
          }
          err.flush();
          return FAILURE;
        });
    return cl.execute(args);
  }

  private static boolean isVerbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "say what to do: keygen, pubkey, listen, connect, info, demo, bench or mls-member");
  }

  /** A usage problem found after parsing (mutually required options, a file that exists). */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** The version from the jar manifest, or the build's when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "agentwire " + (v == null ? "0.1.0-SNAPSHOT" : v),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
