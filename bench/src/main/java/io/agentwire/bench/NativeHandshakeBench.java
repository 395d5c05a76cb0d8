package io.agentwire.bench;

import io.agentwire.provider.AgentWireProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * In-memory Noise XX handshakes per second with the default backend choice, and with the native
 * backend switched off; each in its own JVM because the choice is made once per JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NativeHandshakeBench {

  private static final String NAME = "Noise_XX_25519_ChaChaPoly_BLAKE2b";
  private Provider provider;
  private KeyPair alice;
  private KeyPair bob;
  private final byte[] a = new byte[256];
  private final byte[] b = new byte[256];

  @Setup
  public void setup() throws Exception {
    provider = new AgentWireProvider();
    alice = KeyPairGenerator.getInstance("X25519", provider).generateKeyPair();
    bob = KeyPairGenerator.getInstance("X25519", provider).generateKeyPair();
  }

  private Object handshake() throws Exception {
    return InMemory.xx(provider, NAME, alice, bob, a, b);
  }

  @Benchmark
  @Fork(jvmArgsAppend = "-Dagentwire.native=auto")
  public Object xxAuto() throws Exception {
    return handshake();
  }

  @Benchmark
  @Fork(jvmArgsAppend = "-Dagentwire.native=off")
  public Object xxPureJava() throws Exception {
    return handshake();
  }
}
