package io.agentwire.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code agentwire.jar} in a child JVM and captures what it prints. */
final class Cli implements AutoCloseable {

  static Path jar() {
    String jar = System.getProperty("agentwire.cli.jar");
    if (jar == null) {
      jar = Path.of("target", "agentwire.jar").toAbsolutePath().toString();
    }
    return Path.of(jar);
  }

  final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outReader;
  private final Thread errReader;

  private Cli(Process process) {
    this.process = process;
    outReader = drain(process.getInputStream(), out);
    errReader = drain(process.getErrorStream(), err);
  }

  static Cli start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    return new Cli(new ProcessBuilder(cmd).start());
  }

  /** Runs to completion with {@code stdin} as input. */
  static Cli run(String stdin, String... args) throws Exception {
    Cli c = start(args);
    try (OutputStream in = c.process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    c.await();
    return c;
  }

  int await() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("agentwire did not finish; stderr: " + err());
    }
    outReader.join(5000);
    errReader.join(5000);
    return process.exitValue();
  }

  int exit() {
    return process.exitValue();
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    synchronized (err) {
      return err.toString(StandardCharsets.UTF_8);
    }
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : err().split("\n")) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no stderr line starting '" + prefix + "'; stderr: " + err());
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[4096];
              int n;
              try {
                while ((n = in.read(buf)) > 0) {
                  synchronized (sink) {
                    sink.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroyForcibly();
  }
}
