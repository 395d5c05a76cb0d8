package io.agentwire.nativeaccel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.SignatureFunction;
import io.agentwire.provider.backend.internal.PureJavaBackend;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Members of one MLS group must agree on every signature, whether or not they run libsodium. A
 * signer can make a signature whose {@code R} carries a torsion component: RFC 8032's cofactored
 * check (BouncyCastle, the pure-Java backend) accepts it, libsodium's cofactorless check refuses
 * it. The provider's routed Ed25519, which MLS uses, must answer like the pure-Java backend.
 */
class Ed25519ConsensusTest {

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  private final byte[] seed = new byte[32];
  private final byte[] message = "commit".getBytes(StandardCharsets.UTF_8);

  @BeforeEach
  void needsLibsodium() {
    NativeAvailable.check();
    for (int i = 0; i < 32; i++) {
      seed[i] = (byte) (7 * i + 1);
    }
  }

  private static BigInteger littleEndian(byte[] b, int off, int len) {
    byte[] be = new byte[len + 1];
    for (int i = 0; i < len; i++) {
      be[len - i] = b[off + i];
    }
    return new BigInteger(be);
  }

  private static byte[] littleEndian32(BigInteger v) {
    byte[] out = new byte[32];
    byte[] be = v.toByteArray();
    for (int i = 0; i < be.length && i < 32; i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  /**
   * R = A + T with T = (0, -1), the point of order 2, and S = a(1 + h): then [S]B = R - T + [h]A,
   * so [8][S]B = [8]R + [8][h]A holds and [S]B = R + [h]A does not.
   */
  private byte[] signatureWithTorsionInR(byte[] publicKey) throws Exception {
    byte[] hashed = MessageDigest.getInstance("SHA-512").digest(seed);
    hashed[0] &= (byte) 248;
    hashed[31] &= 127;
    hashed[31] |= 64;
    BigInteger a = littleEndian(hashed, 0, 32);
    byte[] unsigned = publicKey.clone();
    int signX = (unsigned[31] >> 7) & 1;
    unsigned[31] &= 127;
    BigInteger y = littleEndian(unsigned, 0, 32);
    byte[] r = littleEndian32(P.subtract(y)); // (-x, -y): y negated, and the sign of x flips
    r[31] |= (byte) ((1 - signX) << 7);
    MessageDigest sha = MessageDigest.getInstance("SHA-512");
    sha.update(r);
    sha.update(publicKey);
    sha.update(message);
    BigInteger h = littleEndian(sha.digest(), 0, 64).mod(L);
    byte[] s = littleEndian32(a.multiply(BigInteger.ONE.add(h)).mod(L));
    byte[] sig = new byte[64];
    System.arraycopy(r, 0, sig, 0, 32);
    System.arraycopy(s, 0, sig, 32, 32);
    return sig;
  }

  @Test
  void everyBackendRouteAnswersLikeTheCofactoredCheck() throws Exception {
    SignatureFunction java = PureJavaBackend.INSTANCE.signature(Primitive.ED25519);
    SignatureFunction sodium = new SodiumBackend().signature(Primitive.ED25519);
    SignatureFunction routed = CryptoBackends.routed().signature(Primitive.ED25519);
    byte[] pub = new byte[32];
    java.publicKey(seed, pub);
    byte[] odd = signatureWithTorsionInR(pub);

    assertTrue(java.verify(pub, message, 0, message.length, odd), "cofactored check accepts");
    assertFalse(
        sodium.verify(pub, message, 0, message.length, odd), "libsodium's check is stricter");
    assertTrue(
        routed.verify(pub, message, 0, message.length, odd), "the routed answer is the Java one");

    byte[] honest = new byte[64];
    routed.sign(seed, message, 0, message.length, honest);
    assertTrue(routed.verify(pub, message, 0, message.length, honest));
    odd[40] ^= 1;
    assertFalse(routed.verify(pub, message, 0, message.length, odd));
    assertFalse(java.verify(pub, message, 0, message.length, odd));
  }

  @Test
  void longMessagesSignAndVerifyTheSameOnEveryRoute() {
    SignatureFunction java = PureJavaBackend.INSTANCE.signature(Primitive.ED25519);
    SignatureFunction routed = CryptoBackends.routed().signature(Primitive.ED25519);
    byte[] big = new byte[200_000];
    big[123_456] = 9;
    byte[] a = new byte[64];
    byte[] b = new byte[64];
    java.sign(seed, big, 1, big.length - 1, a);
    routed.sign(seed, big, 1, big.length - 1, b);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    byte[] pub = new byte[32];
    routed.publicKey(seed, pub);
    assertTrue(routed.verify(pub, big, 1, big.length - 1, a));
    big[5] ^= 1;
    assertFalse(routed.verify(pub, big, 1, big.length - 1, a));
  }
}
