package io.agentwire.bench;

import com.southernstorm.noise.protocol.HandshakeState;
import io.agentwire.provider.AgentWireProvider;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.interfaces.XECPrivateKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Complete in-memory Noise XX handshakes (both sides, three messages) per second. {@code impl} is
 * {@code agentwire} (the backend the JVM was started with: {@code -Dagentwire.native}, default
 * auto), {@code agentwire-java} (pure Java, {@code agentwire.native=off}), {@code agentwire-native}
 * ({@code agentwire.native=require}: the run fails without libsodium) or {@code noise-java}. The
 * two pinned AgentWire variants set the property in setup, before the provider first loads, which
 * JMH's fresh JVM per parameter set makes the first use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBench {

  @Param({"agentwire", "noise-java"})
  public String impl;

  /** Pinned to the pure-Java backend. */
  public static final String AGENTWIRE_JAVA = "agentwire-java";

  /** Pinned to the native backend. */
  public static final String AGENTWIRE_NATIVE = "agentwire-native";

  @Param({"Noise_XX_25519_ChaChaPoly_BLAKE2s"})
  public String protocol;

  private Provider provider;
  private KeyPair alice;
  private KeyPair bob;
  private byte[] alicePriv;
  private byte[] bobPriv;
  private final byte[] buf1 = new byte[256];
  private final byte[] buf2 = new byte[256];

  @Setup
  public void setup() throws Exception {
    switch (impl) {
      case AGENTWIRE_JAVA -> System.setProperty("agentwire.native", "off");
      case AGENTWIRE_NATIVE -> System.setProperty("agentwire.native", "require");
      default -> {} // as the JVM was started
    }
    provider = new AgentWireProvider();
    boolean nativeInUse = AgentWireProvider.health().nativeInUse();
    if (impl.equals(AGENTWIRE_JAVA) && nativeInUse
        || impl.equals(AGENTWIRE_NATIVE) && !nativeInUse) {
      throw new IllegalStateException(
          impl + ": the provider loaded before setup, with " + AgentWireProvider.health());
    }
    alice = KeyPairGenerator.getInstance("X25519", provider).generateKeyPair();
    bob = KeyPairGenerator.getInstance("X25519", provider).generateKeyPair();
    alicePriv = ((XECPrivateKey) alice.getPrivate()).getScalar().orElseThrow();
    bobPriv = ((XECPrivateKey) bob.getPrivate()).getScalar().orElseThrow();
  }

  @Benchmark
  public Object handshake() throws Exception {
    return impl.equals("noise-java") ? noiseJava() : agentwire();
  }

  private Object agentwire() throws Exception {
    return InMemory.xx(provider, protocol, alice, bob, buf2, buf1);
  }

  private Object noiseJava() throws Exception {
    HandshakeState i = new HandshakeState(protocol, HandshakeState.INITIATOR);
    HandshakeState r = new HandshakeState(protocol, HandshakeState.RESPONDER);
    i.getLocalKeyPair().setPrivateKey(alicePriv, 0);
    r.getLocalKeyPair().setPrivateKey(bobPriv, 0);
    i.start();
    r.start();
    int n = i.writeMessage(buf2, 0, buf1, 0, 0);
    r.readMessage(buf2, 0, n, buf1, 0);
    n = r.writeMessage(buf2, 0, buf1, 0, 0);
    i.readMessage(buf2, 0, n, buf1, 0);
    n = i.writeMessage(buf2, 0, buf1, 0, 0);
    r.readMessage(buf2, 0, n, buf1, 0);
    Object t = i.split();
    r.split();
    return t;
  }
}
