package io.agentwire.mls;

import java.security.GeneralSecurityException;

/**
 * A signature key held outside the library (an HSM, a platform key store, a remote signer). The
 * library gives it the exact bytes to sign, the TLS-encoded {@code SignContent} of RFC 9420 §5.1.2
 * ({@code "MLS 1.0 " + label} and the content), and expects the cipher suite's plain signature over
 * them (Ed25519, or ECDSA in DER for the NIST suites).
 *
 * <p>Implementations must be safe to call from whichever thread drives the group.
 */
public interface MlsSigner {

  /** The signature public key in the suite's wire encoding (RFC 9420 §5.1.1). */
  byte[] publicKey();

  /** The suite's signature over {@code message}. */
  byte[] sign(byte[] message) throws GeneralSecurityException;
}
