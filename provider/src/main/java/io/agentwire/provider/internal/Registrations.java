package io.agentwire.provider.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Blake2DigestSpi;
import io.agentwire.provider.backend.internal.ChaCha20Poly1305CipherSpi;
import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeSuite;
import io.agentwire.provider.hpke.internal.HpkeEngine;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.internal.HandshakeState;
import io.agentwire.provider.noise.internal.NoiseNames;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.internal.DoubleRatchetEngine;
import io.agentwire.provider.ratchet.internal.RatchetProfiles;
import io.agentwire.provider.signal.internal.SignalV3RatchetProfile;
import io.agentwire.provider.signal.internal.SignalV3X3dhProfile;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.internal.DefaultX3dhProfile;
import io.agentwire.provider.x3dh.internal.X3dhEngine;
import io.agentwire.provider.x3dh.internal.X3dhProfile;
import io.agentwire.provider.xec.internal.XEdDsaSignatureSpi;
import io.agentwire.provider.xec.internal.XecKeyAgreementSpi;
import io.agentwire.provider.xec.internal.XecKeyFactorySpi;
import io.agentwire.provider.xec.internal.XecKeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Builds the provider's services; each one constructs its SPI directly, without reflection. */
public final class Registrations {

  /** The ratchet's own profiles, and Signal v3's, which only the wiring may name to the ratchet. */
  private static final RatchetProfiles RATCHET_PROFILES =
      RatchetProfiles.builtIn().with(new SignalV3RatchetProfile());

  /** X3DH's own profile, and Signal v3's, which only the wiring may name to X3DH. */
  private static final X3dhProfile DEFAULT_X3DH = new DefaultX3dhProfile();

  private static final X3dhProfile SIGNAL_V3_X3DH = new SignalV3X3dhProfile();

  private Registrations() {}

  /** Every fixed service of the provider. */
  public static List<Provider.Service> services(Provider p) {
    List<Provider.Service> all = new ArrayList<>(fixedServices(p));
    all.addAll(hpkeServices(p));
    return List.copyOf(all);
  }

  /** One HPKE service per suite: every KEM, KDF and AEAD of RFC 9180 §7 combine. */
  private static List<Provider.Service> hpkeServices(Provider p) {
    List<Provider.Service> out = new ArrayList<>();
    for (HpkeSuite.Kem kem : HpkeSuite.Kem.values()) {
      for (HpkeSuite.Kdf kdf : HpkeSuite.Kdf.values()) {
        for (HpkeSuite.Aead aead : HpkeSuite.Aead.values()) {
          HpkeSuite suite = HpkeSuite.of(kem, kdf, aead);
          out.add(
              service(
                  p,
                  Hpke.SERVICE_TYPE,
                  suite.name(),
                  List.of(),
                  HpkeEngine.class,
                  () -> new HpkeEngine(suite)));
        }
      }
    }
    return out;
  }

  private static List<Provider.Service> fixedServices(Provider p) {
    return List.of(
        service(
            p,
            "KeyPairGenerator",
            "X25519",
            List.of("OID.1.3.101.110", "1.3.101.110"),
            XecKeyPairGeneratorSpi.class,
            () -> new XecKeyPairGeneratorSpi(Primitive.X25519, true)),
        service(
            p,
            "KeyPairGenerator",
            "X448",
            List.of("OID.1.3.101.111", "1.3.101.111"),
            XecKeyPairGeneratorSpi.class,
            () -> new XecKeyPairGeneratorSpi(Primitive.X448, true)),
        service(
            p,
            "KeyPairGenerator",
            "XDH",
            List.of(),
            XecKeyPairGeneratorSpi.class,
            () -> new XecKeyPairGeneratorSpi(Primitive.X25519, false)),
        service(
            p,
            "KeyFactory",
            "X25519",
            List.of("OID.1.3.101.110", "1.3.101.110"),
            XecKeyFactorySpi.class,
            () -> new XecKeyFactorySpi(Primitive.X25519)),
        service(
            p,
            "KeyFactory",
            "X448",
            List.of("OID.1.3.101.111", "1.3.101.111"),
            XecKeyFactorySpi.class,
            () -> new XecKeyFactorySpi(Primitive.X448)),
        service(
            p,
            "KeyFactory",
            "XDH",
            List.of(),
            XecKeyFactorySpi.class,
            () -> new XecKeyFactorySpi(null)),
        service(
            p,
            "KeyAgreement",
            "X25519",
            List.of("OID.1.3.101.110", "1.3.101.110"),
            XecKeyAgreementSpi.class,
            () -> new XecKeyAgreementSpi(Primitive.X25519)),
        service(
            p,
            "KeyAgreement",
            "X448",
            List.of("OID.1.3.101.111", "1.3.101.111"),
            XecKeyAgreementSpi.class,
            () -> new XecKeyAgreementSpi(Primitive.X448)),
        service(
            p,
            "KeyAgreement",
            "XDH",
            List.of(),
            XecKeyAgreementSpi.class,
            () -> new XecKeyAgreementSpi(null)),
        service(
            p,
            "Cipher",
            "ChaCha20-Poly1305",
            List.of("OID.1.2.840.113549.1.9.16.3.18"),
            ChaCha20Poly1305CipherSpi.class,
            ChaCha20Poly1305CipherSpi::new),
        service(
            p,
            "MessageDigest",
            "BLAKE2s-256",
            List.of("BLAKE2S-256", "BLAKE2s"),
            Blake2DigestSpi.class,
            () -> new Blake2DigestSpi(Primitive.BLAKE2S)),
        service(
            p,
            "MessageDigest",
            "BLAKE2b-512",
            List.of("BLAKE2B-512", "BLAKE2b"),
            Blake2DigestSpi.class,
            () -> new Blake2DigestSpi(Primitive.BLAKE2B)),
        service(
            p,
            DoubleRatchet.SERVICE_TYPE,
            DoubleRatchet.DEFAULT_PROFILE,
            List.of(),
            DoubleRatchetEngine.class,
            () -> DoubleRatchetEngine.forProfile(RATCHET_PROFILES, DoubleRatchet.DEFAULT_PROFILE)),
        service(
            p,
            DoubleRatchet.SERVICE_TYPE,
            DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
            List.of(),
            DoubleRatchetEngine.class,
            () ->
                DoubleRatchetEngine.forProfile(
                    RATCHET_PROFILES, DoubleRatchet.HEADER_ENCRYPTED_PROFILE)),
        service(
            p,
            DoubleRatchet.SERVICE_TYPE,
            DoubleRatchet.SIGNAL_V3_PROFILE,
            List.of(),
            DoubleRatchetEngine.class,
            () ->
                DoubleRatchetEngine.forProfile(RATCHET_PROFILES, DoubleRatchet.SIGNAL_V3_PROFILE)),
        service(
            p, "Signature", "XEdDSA", List.of(), XEdDsaSignatureSpi.class, XEdDsaSignatureSpi::new),
        service(
            p,
            X3dh.SERVICE_TYPE,
            X3dh.DEFAULT_PROFILE,
            List.of(),
            X3dhEngine.class,
            () -> new X3dhEngine(DEFAULT_X3DH)),
        service(
            p,
            X3dh.SERVICE_TYPE,
            X3dh.SIGNAL_V3_PROFILE,
            List.of(),
            X3dhEngine.class,
            () -> new X3dhEngine(SIGNAL_V3_X3DH)));
  }

  /**
   * The service for a Noise protocol name, made on demand because the valid names are far too many
   * to list; null if the name is invalid.
   */
  public static Provider.Service noiseService(Provider p, String protocolName) {
    try {
      NoiseNames.parse(protocolName);
    } catch (NoSuchAlgorithmException e) {
      return null;
    }
    return new Provider.Service(
        p, NoiseHandshake.SERVICE_TYPE, protocolName, HandshakeState.class.getName(), null, null) {
      @Override
      public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
        return new HandshakeState(protocolName);
      }

      @Override
      public boolean supportsParameter(Object parameter) {
        return false;
      }
    };
  }

  private static Provider.Service service(
      Provider p,
      String type,
      String algorithm,
      List<String> aliases,
      Class<?> implementation,
      Supplier<Object> factory) {
    Map<String, String> attributes = Map.of("ImplementedIn", "Software");
    return new Provider.Service(p, type, algorithm, implementation.getName(), aliases, attributes) {
      @Override
      public Object newInstance(Object constructorParameter) {
        return factory.get();
      }
    };
  }
}
