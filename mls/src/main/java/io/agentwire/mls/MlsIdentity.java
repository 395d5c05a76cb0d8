package io.agentwire.mls;

import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A member's long-term identity in one cipher suite: a {@link Credential} and the signature key it
 * is bound to (RFC 9420 §5.3). The key is either a library-held {@link SignatureKeyPair} or a
 * caller-held {@link MlsSigner}. Make one with {@link Mls#identity(Credential, SignatureKeyPair)}
 * or {@link Mls#identity(Credential, MlsSigner)}.
 *
 * <p>Immutable and thread-safe (as thread-safe as the caller's signer).
 */
public final class MlsIdentity {

  private final CipherSuite suite;
  private final Credential credential;
  private final SignatureKeyPair keyPair;
  private final MlsSigner signer;

  MlsIdentity(
      CipherSuite suite, Credential credential, SignatureKeyPair keyPair, MlsSigner signer) {
    this.suite = Objects.requireNonNull(suite, "suite");
    this.credential = Objects.requireNonNull(credential, "credential");
    this.keyPair = keyPair;
    this.signer = signer;
  }

  /** The cipher suite whose signature scheme the key uses. */
  public CipherSuite cipherSuite() {
    return suite;
  }

  /** The credential. */
  public Credential credential() {
    return credential;
  }

  /** The signature public key in wire encoding. */
  public byte[] signaturePublicKey() {
    return keyPair != null ? keyPair.publicKey() : signer.publicKey();
  }

  /** Whether the private key is held by the library (a {@link SignatureKeyPair}). */
  public boolean isLibraryHeld() {
    return keyPair != null;
  }

  /**
   * SignWithLabel(key, label, content) of RFC 9420 §5.1.2. The group engine signs every leaf node,
   * KeyPackage, GroupInfo and framed message through this.
   */
  public byte[] signWithLabel(String label, byte[] content) throws MlsException {
    Suite s = Suites.get(suite);
    if (keyPair != null) {
      return s.signWithLabel(keyPair.privateKeyNoCopy(), label, content);
    }
    TlsWriter w = new TlsWriter(content.length + 32);
    w.opaque(("MLS 1.0 " + label).getBytes(StandardCharsets.US_ASCII));
    w.opaque(content);
    try {
      return signer.sign(w.toByteArray());
    } catch (MlsException e) {
      throw e;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new MlsException(MlsException.Reason.STATE, "the caller's signer failed", e);
    }
  }

  @Override
  public String toString() {
    return "MlsIdentity[" + credential + ", " + (keyPair != null ? "library" : "caller") + " key]";
  }
}
