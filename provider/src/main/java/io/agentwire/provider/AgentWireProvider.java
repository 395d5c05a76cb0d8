package io.agentwire.provider;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.internal.Registrations;
import io.agentwire.provider.noise.NoiseHandshake;
import java.util.Map;

/**
 * The AgentWire JCA provider, named {@value #NAME}. It offers X25519 and X448 (KeyPairGenerator,
 * KeyFactory, KeyAgreement; interoperable with the JDK's {@code XECPublicKey} and {@code
 * XECPrivateKey}), Cipher {@code ChaCha20-Poly1305}, MessageDigest {@code BLAKE2s-256} and {@code
 * BLAKE2b-512}, Signature {@code XEdDSA} (Signal's XEdDSA: sign and verify with X25519 keys), and
 * the {@value NoiseHandshake#SERVICE_TYPE} service for every valid Noise protocol name of revision
 * 34, parsed on demand, and the ratchets of {@code io.agentwire.provider.ratchet}: {@code
 * DoubleRatchet} (profiles {@code X25519_SHA256_ChaChaPoly}, {@code X25519_SHA256_ChaChaPoly_HE},
 * {@code SignalV3}) and {@code X3DH} ({@code X25519_SHA256}, {@code SignalV3}).
 *
 * <p>Register it like any provider: {@code Security.addProvider(new AgentWireProvider())}, {@code
 * Security.insertProviderAt(...)}, or statically by name ({@code security.provider.N=AgentWire}) in
 * a {@code java.security} file, where {@link java.util.ServiceLoader} finds it.
 *
 * <p>Thread-safe.
 */
public final class AgentWireProvider extends java.security.Provider {

  private static final long serialVersionUID = 1L;

  /** The provider name. */
  public static final String NAME = "AgentWire";

  /**
   * Creates the provider.
   *
   * @throws java.security.ProviderException if {@code agentwire.native=require} and no native
   *     backend can be used; the message says why
   */
  public AgentWireProvider() {
    super(
        NAME,
        "0.1",
        "AgentWire: X25519/X448, ChaCha20-Poly1305, BLAKE2 and Noise Protocol Framework"
            + " handshakes (revision 34)");
    String failure = Backends.requireFailure();
    if (failure != null) {
      throw new java.security.ProviderException(failure);
    }
    for (Service s : Registrations.services(this)) {
      putService(s);
    }
  }

  @Override
  public Service getService(String type, String algorithm) {
    Service s = super.getService(type, algorithm);
    if (s == null && NoiseHandshake.SERVICE_TYPE.equalsIgnoreCase(type) && algorithm != null) {
      s = Registrations.noiseService(this, algorithm);
    }
    return s;
  }

  /** The backend (or size split) serving each primitive, for health reports. */
  public static Map<Primitive, String> backends() {
    return health().servedBy();
  }

  /** Whether native code is in use, for which primitives, and if not, exactly why. */
  public static BackendHealth health() {
    return BackendHealth.current();
  }
}
