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

/** Complete in-memory Noise XX handshakes (both sides, three messages) per second. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBench {

  @Param({"agentwire", "noise-java"})
  public String impl;

  @Param({"Noise_XX_25519_ChaChaPoly_BLAKE2s"})
  public String protocol;

  private static final Provider PROVIDER = new AgentWireProvider();
  private KeyPair alice;
  private KeyPair bob;
  private byte[] alicePriv;
  private byte[] bobPriv;
  private final byte[] buf1 = new byte[256];
  private final byte[] buf2 = new byte[256];

  @Setup
  public void setup() throws Exception {
    alice = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    bob = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    alicePriv = ((XECPrivateKey) alice.getPrivate()).getScalar().orElseThrow();
    bobPriv = ((XECPrivateKey) bob.getPrivate()).getScalar().orElseThrow();
  }

  @Benchmark
  public Object handshake() throws Exception {
    return impl.equals("agentwire") ? agentwire() : noiseJava();
  }

  private Object agentwire() throws Exception {
    return InMemory.xx(PROVIDER, protocol, alice, bob, buf2, buf1);
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
