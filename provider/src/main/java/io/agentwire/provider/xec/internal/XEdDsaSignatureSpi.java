package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.Primitive;
import java.io.ByteArrayOutputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * Signature {@code XEdDSA}: {@link XEdDsa} behind the JCA, signing and verifying with X25519 keys
 * from any provider (AgentWire's, SunEC's, or X.509 / PKCS#8 encodings). The message is buffered
 * until {@code sign} or {@code verify}, as XEdDSA hashes it twice. Each signature takes 64 fresh
 * bytes from the {@link SecureRandom} given to {@code initSign}, or from the provider's random
 * source. A signature of the wrong length is a {@link SignatureException}. Not thread-safe, like
 * every {@code Signature}.
 */
public final class XEdDsaSignatureSpi extends SignatureSpi {

  private final ByteArrayOutputStream message = new ByteArrayOutputStream();
  private byte[] privateKey;
  private byte[] publicKey;
  private SecureRandom random;

  @Override
  protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
    byte[] raw = XecKeys.rawPublic(key, Primitive.X25519);
    forgetKeys();
    publicKey = raw;
  }

  @Override
  protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
    engineInitSign(key, null);
  }

  @Override
  protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
    byte[] raw = XecKeys.rawPrivate(key, Primitive.X25519);
    forgetKeys();
    privateKey = raw;
    this.random = random;
  }

  private void forgetKeys() {
    if (privateKey != null) {
      Arrays.fill(privateKey, (byte) 0);
    }
    privateKey = null;
    publicKey = null;
    random = null;
    message.reset();
  }

  @Override
  protected void engineUpdate(byte b) throws SignatureException {
    requireInitialized();
    message.write(b);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
    requireInitialized();
    message.write(b, off, len);
  }

  private void requireInitialized() throws SignatureException {
    if (privateKey == null && publicKey == null) {
      throw new SignatureException("XEdDSA signature not initialized");
    }
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    if (privateKey == null) {
      throw new SignatureException("XEdDSA signature not initialized for signing");
    }
    try {
      return XEdDsa.sign(privateKey, message.toByteArray(), random);
    } finally {
      message.reset();
    }
  }

  @Override
  protected boolean engineVerify(byte[] signature) throws SignatureException {
    if (publicKey == null) {
      throw new SignatureException("XEdDSA signature not initialized for verification");
    }
    try {
      XEdDsa.requireSignatureLength(signature);
      return XEdDsa.verify(publicKey, message.toByteArray(), signature);
    } finally {
      message.reset();
    }
  }

  @Override
  protected void engineSetParameter(AlgorithmParameterSpec params)
      throws InvalidAlgorithmParameterException {
    if (params != null) {
      throw new InvalidAlgorithmParameterException("XEdDSA takes no parameters");
    }
  }

  @Override
  protected java.security.AlgorithmParameters engineGetParameters() {
    return null;
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new InvalidParameterException("XEdDSA takes no parameters");
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new InvalidParameterException("XEdDSA takes no parameters");
  }
}
