package io.agentwire.bench.mls;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One application message of {@code bytes} bytes as a PrivateMessage: {@code encrypt} by the
 * creator, {@code decrypt} by the receiver of a fresh message each time (made outside the
 * measurement, since a generation opens once). Each message is signed and verified as RFC 9420
 * requires, so the signature dominates at small sizes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MlsMessageBench {

  @Param({MlsFixture.AGENTWIRE, MlsFixture.BCMLS})
  public String impl;

  @Param({"16", "1024"})
  public int size;

  @Param({"1024"})
  public int bytes;

  @Param({"1"})
  public int suite;

  MlsFixture group;
  byte[] payload;
  byte[] message;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    group = MlsFixture.build(impl, suite, size, true);
    payload = new byte[bytes];
    new SecureRandom().nextBytes(payload);
  }

  /** A fresh message from the creator before each decryption. */
  @State(Scope.Benchmark)
  public static class Fresh {
    @Setup(Level.Invocation)
    public void next(MlsMessageBench b) throws Exception {
      b.message = b.group.creator.encrypt(b.payload);
    }
  }

  @Benchmark
  public byte[] encrypt() throws Exception {
    return group.creator.encrypt(payload);
  }

  @Benchmark
  public byte[] decrypt(Fresh f) throws Exception {
    return group.receiver.decrypt(message);
  }
}
