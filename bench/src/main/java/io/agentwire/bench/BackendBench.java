package io.agentwire.bench;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * The primitives side by side: "auto" is what the provider routes to by default, "native" is
 * libsodium through JNA, "pure-java" is the always-present backend, "jdk" is the JDK's own provider
 * called directly (SunJCE, SunEC). Public API only: the native backend is found as the provider
 * finds it, with {@link ServiceLoader}. The fixed cost of one JNA call is measured inside
 * native-accel, where its binding lives ({@code JnaCallOverheadBench} in its tests).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BackendBench {

  /** ChaCha20-Poly1305 seal of one message. */
  @State(Scope.Thread)
  public static class Aead {
    @Param({"auto", "native", "pure-java", "jdk"})
    public String backend;

    @Param({"64", "1024", "16384", "65519"})
    public int size;

    byte[] in;
    byte[] out;
    final byte[] nonce = new byte[12];
    long counter;
    AeadCipher aead;
    Cipher jdk;
    SecretKeySpec key;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      in = new byte[size];
      out = new byte[size + 16];
      Primitive p = Primitive.CHACHA20_POLY1305;
      switch (backend) {
        case "auto":
          aead = CryptoBackends.routed().newAead(p);
          break;
        case "native":
          aead = nativeBackend().newAead(p);
          break;
        case "pure-java":
          aead = CryptoBackends.pureJava().newAead(p);
          break;
        default:
          jdk = Cipher.getInstance("ChaCha20-Poly1305", "SunJCE");
          key = new SecretKeySpec(new byte[32], "ChaCha20");
      }
      if (aead != null) {
        aead.setKey(new byte[32]);
      }
    }
  }

  @Benchmark
  public int chacha20Poly1305Seal(Aead s) throws Exception {
    long c = s.counter++;
    for (int k = 0; k < 8; k++) {
      s.nonce[4 + k] = (byte) (c >>> (8 * k));
    }
    if (s.aead != null) {
      return s.aead.seal(s.nonce, null, 0, 0, s.in, 0, s.size, s.out, 0);
    }
    s.jdk.init(Cipher.ENCRYPT_MODE, s.key, new IvParameterSpec(s.nonce));
    return s.jdk.doFinal(s.in, 0, s.size, s.out, 0);
  }

  /** X25519 agreement. */
  @State(Scope.Thread)
  public static class Dh {
    @Param({"auto", "native", "pure-java", "jdk"})
    public String backend;

    DhFunction dh;
    KeyAgreement jdk;
    KeyPair pair;
    final byte[] priv = new byte[32];
    final byte[] pub = new byte[32];
    final byte[] shared = new byte[32];

    @Setup(Level.Trial)
    public void setup() throws Exception {
      priv[0] = 1;
      CryptoBackends.pureJava()
          .dh(Primitive.X25519)
          .publicKey(
              new byte[] {
                2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
                25, 26, 27, 28, 29, 30, 31, 32, 33
              },
              pub);
      switch (backend) {
        case "auto":
          dh = CryptoBackends.routed().dh(Primitive.X25519);
          break;
        case "native":
          dh = nativeBackend().dh(Primitive.X25519);
          break;
        case "pure-java":
          dh = CryptoBackends.pureJava().dh(Primitive.X25519);
          break;
        default:
          jdk = KeyAgreement.getInstance("X25519", "SunEC");
          pair = KeyPairGenerator.getInstance("X25519", "SunEC").generateKeyPair();
      }
    }
  }

  @Benchmark
  public Object x25519Agree(Dh s) throws Exception {
    if (s.dh != null) {
      s.dh.agree(s.priv, s.pub, s.shared);
      return s.shared;
    }
    s.jdk.init(s.pair.getPrivate());
    s.jdk.doPhase(s.pair.getPublic(), true);
    return s.jdk.generateSecret();
  }

  /** BLAKE2b-512 of one message. */
  @State(Scope.Thread)
  public static class Hash {
    @Param({"auto", "native", "pure-java"})
    public String backend;

    @Param({"64", "16384"})
    public int size;

    HashFunction hash;
    byte[] in;
    final byte[] out = new byte[64];

    @Setup(Level.Trial)
    public void setup() {
      in = new byte[size];
      switch (backend) {
        case "auto":
          hash = CryptoBackends.routed().newHash(Primitive.BLAKE2B);
          break;
        case "native":
          hash = nativeBackend().newHash(Primitive.BLAKE2B);
          break;
        default:
          hash = CryptoBackends.pureJava().newHash(Primitive.BLAKE2B);
      }
    }
  }

  @Benchmark
  public byte[] blake2b(Hash s) {
    s.hash.update(s.in, 0, s.size);
    s.hash.doFinal(s.out, 0);
    return s.out;
  }

  /**
   * The native backend on the class path (native-accel's libsodium), as the provider's discovery
   * finds it; the first native one, whether or not it loaded, so that a missing library fails the
   * trial with its own reason.
   */
  static CryptoBackend nativeBackend() {
    for (CryptoBackend b : ServiceLoader.load(CryptoBackend.class)) {
      if (b.isNative()) {
        return b;
      }
    }
    throw new IllegalStateException("no native backend on the class path (agentwire-native-accel)");
  }
}
