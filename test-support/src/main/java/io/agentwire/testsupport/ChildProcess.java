package io.agentwire.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process for tests (a JVM from this JDK, or a tool such as openssl) whose stdout and
 * stderr are drained on their own threads, so the child never blocks on a full pipe, and can be
 * read at any time.
 */
public final class ChildProcess implements AutoCloseable {

  private final Process process;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Thread outReader;
  private final Thread errReader;

  private ChildProcess(Process process, boolean merged) {
    this.process = process;
    outReader = drain(process.getInputStream(), out);
    errReader = merged ? null : drain(process.getErrorStream(), err);
  }

  /** The {@code java} launcher of the JDK running the tests. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java args...} with this JDK's launcher. */
  public static List<String> java(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(args);
    return cmd;
  }

  /**
   * {@code java jvmArgs... -cp classPath mainClass}: a fresh JVM running {@code mainClass}, for
   * tests of what happens at start-up.
   */
  public static List<String> javaMain(String classPath, String mainClass, String... jvmArgs) {
    List<String> args = new ArrayList<>(List.of(jvmArgs));
    args.add("-cp");
    args.add(classPath);
    args.add(mainClass);
    return java(args);
  }

  /** Starts {@code command} with separate stdout and stderr. */
  public static ChildProcess start(List<String> command) throws IOException {
    return new ChildProcess(new ProcessBuilder(command).start(), false);
  }

  /** Starts {@code command} with stderr merged into {@link #out()}. */
  public static ChildProcess startMerged(List<String> command) throws IOException {
    return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), true);
  }

  public Process process() {
    return process;
  }

  /** Writes {@code text} to the child's stdin and closes it; returns this. */
  public ChildProcess input(String text, java.nio.charset.Charset charset) throws IOException {
    try (OutputStream in = process.getOutputStream()) {
      if (text != null) {
        in.write(text.getBytes(charset));
      }
    }
    return this;
  }

  /** {@link #input(String, java.nio.charset.Charset)} in UTF-8. */
  public ChildProcess input(String text) throws IOException {
    return input(text, StandardCharsets.UTF_8);
  }

  /**
   * Waits up to {@code timeout} for the child to exit and for its output to be read; returns
   * whether it exited (a test asserts that). A child still running is left running.
   */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    outReader.join(5000);
    if (errReader != null) {
      errReader.join(5000);
    }
    return true;
  }

  /**
   * Waits for the exit and returns the exit code; a child still running after it fails the test.
   */
  public int await(Duration timeout) throws InterruptedException {
    if (!waitFor(timeout)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the child did not finish in " + timeout + "; stdout: " + out() + "; stderr: " + err());
    }
    return process.exitValue();
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** What the child printed on stdout so far (and stderr, when merged). */
  public String out() {
    return text(out);
  }

  /** The bytes the child wrote on stdout so far, for binary output. */
  public byte[] outBytes() {
    synchronized (out) {
      return out.toByteArray();
    }
  }

  /** What the child printed on stderr so far; empty when merged. */
  public String err() {
    return text(err);
  }

  /** Waits up to {@code timeout} for a line on stderr that starts with {@code prefix}. */
  public String awaitErrLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
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

  private static String text(ByteArrayOutputStream sink) {
    synchronized (sink) {
      return sink.toString(StandardCharsets.UTF_8);
    }
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
            },
            "child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Asks the child to end, then ends it. */
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
