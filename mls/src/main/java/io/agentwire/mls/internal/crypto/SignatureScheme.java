package io.agentwire.mls.internal.crypto;

import io.agentwire.mls.MlsException;
import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The signature schemes of the MLS cipher suites: Ed25519 and Ed448 (RFC 8032, raw 32- or 57-byte
 * public keys, the seed as private key), Ed25519 through the provider's backend and Ed448 through
 * the JDK, and ECDSA over P-256, P-384 and P-521 through the JDK (uncompressed SEC1 public keys,
 * big-endian scalars as private keys, DER signatures as TLS 1.3 uses them). Stateless and
 * thread-safe.
 */
abstract class SignatureScheme {

  private static final SecureRandom RANDOM = new SecureRandom();

  abstract Suite.KeyPair generate();

  abstract byte[] publicKey(byte[] privateKey) throws MlsException;

  abstract byte[] sign(byte[] privateKey, byte[] message) throws MlsException;

  abstract boolean verify(byte[] publicKey, byte[] message, byte[] signature);

  /**
   * Ed25519 through the provider's backend (libsodium where present, BouncyCastle's RFC 8032 code
   * otherwise): the JDK 17 implementation costs about 0.4 ms a signature or a check, which a
   * 10,000-leaf tree pays per leaf on every join.
   */
  static SignatureScheme ed25519() {
    return new BackendEd25519(CryptoBackends.routed().signature(Primitive.ED25519));
  }

  static SignatureScheme ed448() {
    return new EdDsa("Ed448", 57, hexPrefix("3043300506032b6571033a00"));
  }

  static SignatureScheme ecdsa(String curve, String algorithm, int fieldLength, Hpke sameCurveKem) {
    return new Ecdsa(curve, algorithm, fieldLength, sameCurveKem);
  }

  private static byte[] hexPrefix(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  /** Ed25519 on a backend's signature function: the seed is the private key. */
  private static final class BackendEd25519 extends SignatureScheme {
    private final SignatureFunction f;

    BackendEd25519(SignatureFunction f) {
      this.f = f;
    }

    @Override
    Suite.KeyPair generate() {
      byte[] seed = new byte[32];
      RANDOM.nextBytes(seed);
      byte[] pub = new byte[32];
      f.publicKey(seed, pub);
      return new Suite.KeyPair(pub, seed);
    }

    private static void checkSeed(byte[] privateKey) throws MlsException {
      if (privateKey.length != 32) {
        throw new MlsException(
            MlsException.Reason.MALFORMED,
            "an Ed25519 private key has 32 bytes, not " + privateKey.length);
      }
    }

    @Override
    byte[] publicKey(byte[] privateKey) throws MlsException {
      checkSeed(privateKey);
      byte[] pub = new byte[32];
      f.publicKey(privateKey, pub);
      return pub;
    }

    @Override
    byte[] sign(byte[] privateKey, byte[] message) throws MlsException {
      checkSeed(privateKey);
      byte[] sig = new byte[64];
      f.sign(privateKey, message, 0, message.length, sig);
      return sig;
    }

    @Override
    boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
      return f.verify(publicKey, message, 0, message.length, signature);
    }
  }

  /** EdDSA: the seed is the private key; the public key is the raw encoded point. */
  private static final class EdDsa extends SignatureScheme {
    private final String name;
    private final int keyLength;
    private final byte[] spkiPrefix;
    private final NamedParameterSpec params;

    EdDsa(String name, int keyLength, byte[] spkiPrefix) {
      this.name = name;
      this.keyLength = keyLength;
      this.spkiPrefix = spkiPrefix;
      this.params = new NamedParameterSpec(name);
    }

    private byte[] raw(PublicKey pk) {
      byte[] enc = pk.getEncoded();
      return Arrays.copyOfRange(enc, enc.length - keyLength, enc.length);
    }

    @Override
    Suite.KeyPair generate() {
      byte[] seed = new byte[keyLength];
      RANDOM.nextBytes(seed);
      try {
        return new Suite.KeyPair(publicKey(seed), seed);
      } catch (MlsException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    byte[] publicKey(byte[] privateKey) throws MlsException {
      checkSeed(privateKey);
      try {
        // The JDK derives the public key only while generating: hand its generator the seed as
        // the randomness it draws (exactly keyLength bytes, once).
        KeyPairGenerator g = KeyPairGenerator.getInstance(name);
        g.initialize(params, new FixedRandom(privateKey));
        return raw(g.generateKeyPair().getPublic());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(name + " is missing from this JDK", e);
      }
    }

    private void checkSeed(byte[] privateKey) throws MlsException {
      if (privateKey.length != keyLength) {
        throw new MlsException(
            MlsException.Reason.MALFORMED,
            "an " + name + " private key has " + keyLength + " bytes, not " + privateKey.length);
      }
    }

    @Override
    byte[] sign(byte[] privateKey, byte[] message) throws MlsException {
      checkSeed(privateKey);
      try {
        PrivateKey sk =
            KeyFactory.getInstance(name)
                .generatePrivate(new EdECPrivateKeySpec(params, privateKey));
        Signature s = Signature.getInstance(name);
        s.initSign(sk);
        s.update(message);
        return s.sign();
      } catch (GeneralSecurityException e) {
        throw new MlsException(MlsException.Reason.MALFORMED, name + " signing failed", e);
      }
    }

    @Override
    boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
      if (publicKey.length != keyLength || signature.length != 2 * keyLength) {
        return false;
      }
      try {
        byte[] spki = Arrays.copyOf(spkiPrefix, spkiPrefix.length + keyLength);
        System.arraycopy(publicKey, 0, spki, spkiPrefix.length, keyLength);
        PublicKey pk = KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(spki));
        Signature s = Signature.getInstance(name);
        s.initVerify(pk);
        s.update(message);
        return s.verify(signature);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }
  }

  /** ECDSA with DER signatures; pk(sk) and point validation come from the HPKE KEM of the curve. */
  private static final class Ecdsa extends SignatureScheme {
    private final String curve;
    private final String algorithm;
    private final int fieldLength;
    private final Hpke kem;
    private final ECParameterSpec params;

    Ecdsa(String curve, String algorithm, int fieldLength, Hpke kem) {
      this.curve = curve;
      this.algorithm = algorithm;
      this.fieldLength = fieldLength;
      this.kem = kem;
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        this.params = ((ECPublicKey) g.generateKeyPair().getPublic()).getParams();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(curve + " is missing from this JDK", e);
      }
    }

    private byte[] fixed(BigInteger v) {
      byte[] b = v.toByteArray();
      if (b.length == fieldLength) {
        return b;
      }
      byte[] out = new byte[fieldLength];
      if (b.length > fieldLength) {
        System.arraycopy(b, b.length - fieldLength, out, 0, fieldLength);
      } else {
        System.arraycopy(b, 0, out, fieldLength - b.length, b.length);
      }
      return out;
    }

    /** The scalar, left-padded to the field length (vectors may drop leading zeros). */
    private byte[] padded(byte[] privateKey) throws MlsException {
      if (privateKey.length == 0 || privateKey.length > fieldLength) {
        throw new MlsException(
            MlsException.Reason.MALFORMED,
            "a " + curve + " private key has at most " + fieldLength + " bytes");
      }
      byte[] out = new byte[fieldLength];
      System.arraycopy(privateKey, 0, out, fieldLength - privateKey.length, privateKey.length);
      return out;
    }

    @Override
    Suite.KeyPair generate() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve), RANDOM);
        java.security.KeyPair kp = g.generateKeyPair();
        ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
        byte[] pub = new byte[1 + 2 * fieldLength];
        pub[0] = 0x04;
        System.arraycopy(fixed(w.getAffineX()), 0, pub, 1, fieldLength);
        System.arraycopy(fixed(w.getAffineY()), 0, pub, 1 + fieldLength, fieldLength);
        return new Suite.KeyPair(pub, fixed(((ECPrivateKey) kp.getPrivate()).getS()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(curve + " is missing from this JDK", e);
      }
    }

    @Override
    byte[] publicKey(byte[] privateKey) throws MlsException {
      byte[] sk = padded(privateKey);
      try {
        return kem.publicKey(sk);
      } catch (HpkeException e) {
        throw new MlsException(MlsException.Reason.MALFORMED, "not a " + curve + " private key", e);
      } finally {
        Arrays.fill(sk, (byte) 0);
      }
    }

    @Override
    byte[] sign(byte[] privateKey, byte[] message) throws MlsException {
      byte[] sk = padded(privateKey);
      BigInteger s = new BigInteger(1, sk);
      Arrays.fill(sk, (byte) 0);
      if (s.signum() == 0 || s.compareTo(params.getOrder()) >= 0) {
        throw new MlsException(MlsException.Reason.MALFORMED, "not a " + curve + " private key");
      }
      try {
        PrivateKey key =
            KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(s, params));
        Signature sig = Signature.getInstance(algorithm);
        sig.initSign(key, RANDOM);
        sig.update(message);
        return sig.sign();
      } catch (GeneralSecurityException e) {
        throw new MlsException(MlsException.Reason.MALFORMED, curve + " signing failed", e);
      }
    }

    @Override
    boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
      try {
        kem.deserializePublicKey(publicKey); // on the curve, uncompressed, right length
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(publicKey, 1, 1 + fieldLength));
        BigInteger y =
            new BigInteger(1, Arrays.copyOfRange(publicKey, 1 + fieldLength, 1 + 2 * fieldLength));
        PublicKey pk =
            KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
        Signature sig = Signature.getInstance(algorithm);
        sig.initVerify(pk);
        sig.update(message);
        return sig.verify(signature);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }
  }

  /** Randomness that yields one fixed seed, for the JDK's EdDSA key generation. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient byte[] seed;
    private transient boolean used;

    FixedRandom(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (used || bytes.length != seed.length) {
        throw new IllegalStateException("the fixed seed is drawn once, whole");
      }
      used = true;
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
