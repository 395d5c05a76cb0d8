package io.agentwire.cli;

import io.agentwire.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the real {@code agentwire.jar} in a child JVM and captures what it prints. */
final class Cli implements AutoCloseable {

  static Path jar() {
    String jar = System.getProperty("agentwire.cli.jar");
    if (jar == null) {
      jar = Path.of("target", "agentwire.jar").toAbsolutePath().toString();
    }
    return Path.of(jar);
  }

  private final ChildProcess child;
  final Process process;

  private Cli(ChildProcess child) {
    this.child = child;
    this.process = child.process();
  }

  static Cli start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    return new Cli(ChildProcess.start(ChildProcess.java(cmd)));
  }

  /** Runs to completion with {@code stdin} as input. */
  static Cli run(String stdin, String... args) throws Exception {
    Cli c = start(args);
    c.child.input(stdin);
    c.await();
    return c;
  }

  int await() throws Exception {
    return child.await(Duration.ofSeconds(60));
  }

  int exit() {
    return process.exitValue();
  }

  String out() {
    return child.out();
  }

  String err() {
    return child.err();
  }

  /**
   * Runs {@code keygen -o file} and returns the run, whose output holds the key and fingerprint.
   */
  static Cli keygen(java.nio.file.Path file) throws Exception {
    return run("", "keygen", "-o", file.toString());
  }

  /** Waits for {@code listen}'s "listening on HOST:PORT" line and returns the port. */
  String awaitPort() throws InterruptedException {
    return awaitErrLine("listening on ").replaceAll(".*:", "").strip();
  }

  /** Waits for a line on stderr that starts with {@code prefix} and returns it. */
  String awaitErrLine(String prefix) throws InterruptedException {
    return child.awaitErrLine(prefix, Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    child.close();
  }
}
