package io.agentwire.testsupport;

import com.southernstorm.noise.protocol.DHState;
import com.southernstorm.noise.protocol.Noise;
import java.security.GeneralSecurityException;

/** Raw Noise key pairs made by noise-java, independently of AgentWire's key code. */
public final class NoiseJavaKeys {

  private NoiseJavaKeys() {}

  /** A raw private and public key for the Noise DH name {@code dh} ("25519" or "448"). */
  public record Pair(String dh, byte[] privateKey, byte[] publicKey) {}

  /** A fresh random key pair. */
  public static Pair generate(String dh) {
    try {
      DHState s = Noise.createDH(dh);
      s.generateKeyPair();
      byte[] priv = new byte[s.getPrivateKeyLength()];
      byte[] pub = new byte[s.getPublicKeyLength()];
      s.getPrivateKey(priv, 0);
      s.getPublicKey(pub, 0);
      s.destroy();
      return new Pair(dh, priv, pub);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The raw public key of the raw private key {@code privateKey}, computed by noise-java. */
  public static byte[] publicOf(String dh, byte[] privateKey) {
    try {
      DHState s = Noise.createDH(dh);
      s.setPrivateKey(privateKey, 0);
      byte[] pub = new byte[s.getPublicKeyLength()];
      s.getPublicKey(pub, 0);
      s.destroy();
      return pub;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
