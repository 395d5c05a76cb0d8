package io.agentwire.mls;

/**
 * One member of a group in one epoch: its leaf index in the ratchet tree (RFC 9420 §7.8), its
 * credential and signature key, and the identity the {@link MlsPolicy} says that credential proves.
 * Leaf indices are stable while the member stays; a removed member's index may be reused.
 *
 * <p>Immutable value; the arrays are copies owned by the caller.
 *
 * @param leafIndex the member's leaf index
 * @param credential its credential
 * @param signatureKey its signature public key (wire encoding)
 * @param identity what {@link MlsPolicy#authenticate} returned for the credential
 */
public record Member(int leafIndex, Credential credential, byte[] signatureKey, byte[] identity) {

  /** The identity as UTF-8 text (convenient for basic credentials holding text). */
  public String identityString() {
    return new String(identity, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Member[leaf " + leafIndex + ", " + credential + "]";
  }
}
