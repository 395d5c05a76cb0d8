package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackend;
import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X448;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The backend that is always present: the JDK where it is good (AES-GCM with its intrinsics,
 * ChaCha20-Poly1305, SHA-2), BouncyCastle's low-level classes where the JDK is slow or lacking
 * (X25519, X448, Ed25519, BLAKE2). It never goes through a JCA lookup that could land back in this
 * provider.
 */
public final class PureJavaBackend implements CryptoBackend {

  /** The single instance; it holds no per-caller state. */
  public static final PureJavaBackend INSTANCE = new PureJavaBackend();

  private static final SecureRandom RANDOM = new SecureRandom();

  private PureJavaBackend() {}

  @Override
  public String name() {
    return "pure-java";
  }

  @Override
  public boolean supports(Primitive primitive) {
    return true;
  }

  @Override
  public DhFunction dh(Primitive primitive) {
    switch (primitive) {
      case X25519:
        return BcXdh.X25519_INSTANCE;
      case X448:
        return BcXdh.X448_INSTANCE;
      default:
        throw new UnsupportedOperationException(primitive + " is not a DH function");
    }
  }

  @Override
  public SignatureFunction signature(Primitive primitive) {
    if (primitive != Primitive.ED25519) {
      throw new UnsupportedOperationException(primitive + " is not a signature scheme");
    }
    return BcEd25519.INSTANCE;
  }

  @Override
  public AeadCipher newAead(Primitive primitive) {
    switch (primitive) {
      case CHACHA20_POLY1305:
      case AES_256_GCM:
        return new JdkAeadCipher(primitive);
      default:
        throw new UnsupportedOperationException(primitive + " is not an AEAD");
    }
  }

  @Override
  public HashFunction newHash(Primitive primitive) {
    switch (primitive) {
      case SHA256:
        return new JdkHash("SHA-256", 32, 64);
      case SHA512:
        return new JdkHash("SHA-512", 64, 128);
      case BLAKE2S:
        return new BcHash(new Blake2sDigest(256), 64);
      case BLAKE2B:
        return new BcHash(new Blake2bDigest(512), 128);
      default:
        throw new UnsupportedOperationException(primitive + " is not a hash function");
    }
  }

  @Override
  public void randomBytes(byte[] out) {
    RANDOM.nextBytes(out);
  }

  /** BouncyCastle's RFC 7748 ladders share one shape; only the static methods differ. */
  private static final class BcXdh implements DhFunction {
    interface BaseMult {
      void apply(byte[] k, int kOff, byte[] r, int rOff);
    }

    interface Agreement {
      boolean apply(byte[] k, int kOff, byte[] u, int uOff, byte[] r, int rOff);
    }

    static final BcXdh X25519_INSTANCE =
        new BcXdh("X25519", X25519.POINT_SIZE, X25519::scalarMultBase, X25519::calculateAgreement);
    static final BcXdh X448_INSTANCE =
        new BcXdh("X448", X448.POINT_SIZE, X448::scalarMultBase, X448::calculateAgreement);

    private final String name;
    private final int length;
    private final BaseMult baseMult;
    private final Agreement agreement;

    private BcXdh(String name, int length, BaseMult baseMult, Agreement agreement) {
      this.name = name;
      this.length = length;
      this.baseMult = baseMult;
      this.agreement = agreement;
    }

    @Override
    public int keyLength() {
      return length;
    }

    @Override
    public void publicKey(byte[] privateKey, byte[] publicKeyOut) {
      baseMult.apply(privateKey, 0, publicKeyOut, 0);
    }

    @Override
    public void agree(byte[] privateKey, byte[] publicKey, byte[] sharedOut)
        throws InvalidKeyException {
      if (!agreement.apply(privateKey, 0, publicKey, 0, sharedOut, 0)) {
        Arrays.fill(sharedOut, (byte) 0);
        throw new InvalidKeyException(
            name + " public key has small order: the shared secret would be all zeros");
      }
    }
  }

  /** BouncyCastle's RFC 8032 Ed25519, several times faster than the JDK's on JDK 17. */
  private static final class BcEd25519 implements SignatureFunction {
    static final BcEd25519 INSTANCE = new BcEd25519();

    @Override
    public int keyLength() {
      return Ed25519.PUBLIC_KEY_SIZE;
    }

    @Override
    public int signatureLength() {
      return Ed25519.SIGNATURE_SIZE;
    }

    private static void check(byte[] b, int length, String what) {
      if (b.length != length) {
        throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + b.length);
      }
    }

    @Override
    public void publicKey(byte[] seed, byte[] publicKeyOut) {
      check(seed, Ed25519.SECRET_KEY_SIZE, "an Ed25519 seed");
      check(publicKeyOut, Ed25519.PUBLIC_KEY_SIZE, "the public key output");
      Ed25519.generatePublicKey(seed, 0, publicKeyOut, 0);
    }

    @Override
    public void sign(byte[] seed, byte[] message, int offset, int length, byte[] signatureOut) {
      check(seed, Ed25519.SECRET_KEY_SIZE, "an Ed25519 seed");
      check(signatureOut, Ed25519.SIGNATURE_SIZE, "the signature output");
      // BouncyCastle derives the public key from the seed itself here.
      Ed25519.sign(seed, 0, message, offset, length, signatureOut, 0);
    }

    @Override
    public boolean verify(
        byte[] publicKey, byte[] message, int offset, int length, byte[] signature) {
      if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE
          || signature.length != Ed25519.SIGNATURE_SIZE) {
        return false;
      }
      return Ed25519.verify(signature, 0, publicKey, 0, message, offset, length);
    }
  }

  private static final class JdkHash implements HashFunction {
    private final MessageDigest digest;
    private final int hashLength;
    private final int blockLength;

    JdkHash(String algorithm, int hashLength, int blockLength) {
      this(getDigest(algorithm), hashLength, blockLength);
    }

    private JdkHash(MessageDigest digest, int hashLength, int blockLength) {
      this.digest = digest;
      this.hashLength = hashLength;
      this.blockLength = blockLength;
    }

    private static MessageDigest getDigest(String algorithm) {
      try {
        return MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(algorithm + " is missing from this JDK", e);
      }
    }

    @Override
    public int hashLength() {
      return hashLength;
    }

    @Override
    public int blockLength() {
      return blockLength;
    }

    @Override
    public void update(byte[] in, int offset, int length) {
      digest.update(in, offset, length);
    }

    @Override
    public void doFinal(byte[] out, int offset) {
      try {
        digest.digest(out, offset, hashLength);
      } catch (java.security.DigestException e) {
        throw new IllegalArgumentException("output buffer too small for the hash", e);
      }
    }

    @Override
    public void reset() {
      digest.reset();
    }

    @Override
    public HashFunction copy() {
      try {
        return new JdkHash((MessageDigest) digest.clone(), hashLength, blockLength);
      } catch (CloneNotSupportedException e) {
        throw new UnsupportedOperationException("this JDK's digest cannot be cloned", e);
      }
    }
  }

  private static final class BcHash implements HashFunction {
    private final Digest digest;
    private final int blockLength;

    BcHash(Digest digest, int blockLength) {
      this.digest = digest;
      this.blockLength = blockLength;
    }

    @Override
    public int hashLength() {
      return digest.getDigestSize();
    }

    @Override
    public int blockLength() {
      return blockLength;
    }

    @Override
    public void update(byte[] in, int offset, int length) {
      digest.update(in, offset, length);
    }

    @Override
    public void doFinal(byte[] out, int offset) {
      digest.doFinal(out, offset);
    }

    @Override
    public void reset() {
      digest.reset();
    }

    @Override
    public HashFunction copy() {
      Digest copy =
          digest instanceof Blake2sDigest
              ? new Blake2sDigest((Blake2sDigest) digest)
              : new Blake2bDigest((Blake2bDigest) digest);
      return new BcHash(copy, blockLength);
    }
  }
}
