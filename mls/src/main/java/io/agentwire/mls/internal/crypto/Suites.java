package io.agentwire.mls.internal.crypto;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeSuite;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.EnumMap;
import java.util.Map;

/** Hands out the {@link Suite} for each cipher suite. */
public final class Suites {

  /** HPKE comes from AgentWire's own provider, installed or not. */
  private static final Provider PROVIDER = new AgentWireProvider();

  private static final Map<CipherSuite, Object> SUITES = new EnumMap<>(CipherSuite.class);

  private Suites() {}

  /** Whether {@code suite} can run here. */
  public static boolean isSupported(CipherSuite suite) {
    return lookup(suite) instanceof Suite;
  }

  /** The operations of {@code suite}; {@link MlsException.Reason#UNSUPPORTED} if it cannot run. */
  public static Suite get(CipherSuite suite) throws MlsException {
    Object s = lookup(suite);
    if (s instanceof Suite found) {
      return found;
    }
    throw new MlsException(
        MlsException.Reason.UNSUPPORTED,
        "cipher suite " + suite + " cannot run here",
        (Throwable) s);
  }

  private static synchronized Object lookup(CipherSuite suite) {
    if (suite == null) {
      return new IllegalArgumentException("no cipher suite");
    }
    return SUITES.computeIfAbsent(
        suite,
        s -> {
          try {
            return build(s);
          } catch (GeneralSecurityException | RuntimeException e) {
            return e;
          }
        });
  }

  private static Suite build(CipherSuite s) throws GeneralSecurityException {
    StandardSuite.AeadKind aes128 = StandardSuite.AeadKind.AES_128_GCM;
    StandardSuite.AeadKind aes256 = StandardSuite.AeadKind.AES_256_GCM;
    StandardSuite.AeadKind chacha = StandardSuite.AeadKind.CHACHA20_POLY1305;
    switch (s) {
      case MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519:
        return new StandardSuite(
            s, "SHA-256", "HmacSHA256", 32, aes128, hpke(0x20, 1, 1), SignatureScheme.ed25519());
      case MLS_128_DHKEMP256_AES128GCM_SHA256_P256:
        {
          Hpke h = hpke(0x10, 1, 1);
          return new StandardSuite(
              s,
              "SHA-256",
              "HmacSHA256",
              32,
              aes128,
              h,
              SignatureScheme.ecdsa("secp256r1", "SHA256withECDSA", 32, h));
        }
      case MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519:
        return new StandardSuite(
            s, "SHA-256", "HmacSHA256", 32, chacha, hpke(0x20, 1, 3), SignatureScheme.ed25519());
      case MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448:
        return new StandardSuite(
            s, "SHA-512", "HmacSHA512", 64, aes256, hpke(0x21, 3, 2), SignatureScheme.ed448());
      case MLS_256_DHKEMP521_AES256GCM_SHA512_P521:
        {
          Hpke h = hpke(0x12, 3, 2);
          return new StandardSuite(
              s,
              "SHA-512",
              "HmacSHA512",
              64,
              aes256,
              h,
              SignatureScheme.ecdsa("secp521r1", "SHA512withECDSA", 66, h));
        }
      case MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448:
        return new StandardSuite(
            s, "SHA-512", "HmacSHA512", 64, chacha, hpke(0x21, 3, 3), SignatureScheme.ed448());
      case MLS_256_DHKEMP384_AES256GCM_SHA384_P384:
        {
          Hpke h = hpke(0x11, 2, 2);
          return new StandardSuite(
              s,
              "SHA-384",
              "HmacSHA384",
              48,
              aes256,
              h,
              SignatureScheme.ecdsa("secp384r1", "SHA384withECDSA", 48, h));
        }
      default:
        throw new IllegalArgumentException("unknown suite " + s);
    }
  }

  private static Hpke hpke(int kem, int kdf, int aead) throws GeneralSecurityException {
    return Hpke.getInstance(HpkeSuite.of(kem, kdf, aead), PROVIDER);
  }
}
