package io.agentwire.bench;

import com.southernstorm.noise.protocol.CipherState;
import com.southernstorm.noise.protocol.CipherStatePair;
import com.southernstorm.noise.protocol.HandshakeState;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.security.Provider;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Transport encryption of one message, in place into a preallocated buffer: AgentWire's
 * NoiseTransport, noise-java's CipherState, and the JDK's own cipher called directly (the floor any
 * JCA-based implementation pays).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportBench {

  @Param({"agentwire", "noise-java", "jdk"})
  public String impl;

  @Param({"ChaChaPoly", "AESGCM"})
  public String cipher;

  @Param({"1024", "16384", "65519"})
  public int size;

  private static final Provider PROVIDER = new AgentWireProvider();
  private byte[] in;
  private byte[] out;
  private NoiseTransport ours;
  private CipherState theirs;
  private Cipher jdk;
  private SecretKeySpec jdkKey;
  private final byte[] nonce = new byte[12];
  private long counter;

  @Setup
  public void setup() throws Exception {
    in = new byte[size];
    out = new byte[size + 16];
    String name = "Noise_NN_25519_" + cipher + "_SHA256";
    NoiseHandshake i = NoiseHandshake.getInstance(name, PROVIDER);
    NoiseHandshake r = NoiseHandshake.getInstance(name, PROVIDER);
    i.init(NoiseRole.INITIATOR);
    r.init(NoiseRole.RESPONDER);
    r.readMessage(i.writeMessage(new byte[0]));
    i.readMessage(r.writeMessage(new byte[0]));
    ours = i.split();
    HandshakeState a = new HandshakeState(name, HandshakeState.INITIATOR);
    HandshakeState b = new HandshakeState(name, HandshakeState.RESPONDER);
    a.start();
    b.start();
    byte[] m = new byte[128];
    byte[] p = new byte[128];
    int n = a.writeMessage(m, 0, p, 0, 0);
    b.readMessage(m, 0, n, p, 0);
    n = b.writeMessage(m, 0, p, 0, 0);
    a.readMessage(m, 0, n, p, 0);
    CipherStatePair pair = a.split();
    theirs = pair.getSender();
    boolean chacha = cipher.equals("ChaChaPoly");
    jdk = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding", "SunJCE");
    jdkKey = new SecretKeySpec(new byte[32], chacha ? "ChaCha20" : "AES");
  }

  @Benchmark
  public int encrypt() throws Exception {
    switch (impl) {
      case "agentwire":
        return ours.encrypt(null, in, 0, size, out, 0);
      case "noise-java":
        return theirs.encryptWithAd(null, in, 0, out, 0, size);
      default:
        long c = counter++;
        for (int k = 0; k < 8; k++) {
          nonce[4 + k] = (byte) (c >>> (8 * k));
        }
        jdk.init(
            Cipher.ENCRYPT_MODE,
            jdkKey,
            cipher.equals("ChaChaPoly")
                ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(128, nonce));
        return jdk.doFinal(in, 0, size, out, 0);
    }
  }
}
