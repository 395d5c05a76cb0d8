package io.agentwire.mls;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * The caller's Authentication Service (RFC 9750 §5, RFC 9420 §5.3.1, §16.9): which credentials are
 * acceptable, which identity a credential proves, and who may join. The group engine asks it about
 * every credential it meets (in KeyPackages, Welcome trees, Updates, commit paths, external
 * commits), on every member, so all members enforce the same rules.
 *
 * <p>The resync rule of external commits (RFC 9420 §12.4.3.2: an external joiner may remove one old
 * leaf) is decided here: the Remove is accepted only when {@link #sameAgent} says the removed
 * leaf's identity and the joiner's are the same agent, so a party that merely holds a GroupInfo
 * cannot evict a member.
 *
 * <p>Implementations must be thread-safe if shared between groups, and should be deterministic: two
 * members disagreeing about a credential fork the group.
 */
public interface MlsPolicy {

  /**
   * Checks that {@code credential} is acceptable and bound to {@code signatureKey} (for X.509: the
   * chain is trusted and its leaf certificate's key is that key) and returns the identity it
   * proves. Throws {@link MlsException.Reason#POLICY_REJECTED} to refuse it.
   */
  byte[] authenticate(CipherSuite suite, Credential credential, byte[] signatureKey)
      throws MlsException;

  /**
   * Whether two identities returned by {@link #authenticate} are the same agent (the resync rule);
   * byte equality by default.
   */
  default boolean sameAgent(byte[] identity, byte[] otherIdentity) {
    return MessageDigest.isEqual(identity, otherIdentity);
  }

  /**
   * Whether {@code request.joiner()} may join; throw {@link MlsException.Reason#POLICY_REJECTED} to
   * refuse. Called by every member for every Add and external commit, before the commit is applied.
   * Allows everyone by default.
   */
  default void checkJoin(JoinRequest request) throws MlsException {}

  /**
   * Whether {@code request.proposer()} may remove {@code request.removed()}; throw {@link
   * MlsException.Reason#POLICY_REJECTED} to refuse. Called by every member for every Remove a
   * member's commit carries (the committer leaves out a refused Remove it holds by reference and
   * fails on one it asked for itself). The resync Remove of an external commit is decided by {@link
   * #sameAgent} and {@link #checkJoin} instead. Allows every member to remove any other by default,
   * as RFC 9420 does.
   */
  default void checkRemove(RemoveRequest request) throws MlsException {}

  /**
   * A Remove to decide on.
   *
   * @param groupId the group
   * @param epoch the epoch the commit is made in
   * @param removed the member to be removed
   * @param proposer the member that proposed it (the committer for a Remove by value), or null when
   *     an external sender proposed it
   * @param committer the member whose commit carries it
   */
  record RemoveRequest(
      byte[] groupId, long epoch, Member removed, Member proposer, Member committer) {}

  /** How a member joins. */
  enum JoinKind {
    /** Added by an Add proposal in a member's commit (§12.1.1). */
    ADD,
    /** Joins by external commit (§12.4.3.2) without replacing a leaf. */
    EXTERNAL_COMMIT,
    /** Rejoins by external commit, removing its own old leaf (the resync case). */
    RESYNC
  }

  /**
   * A join to decide on.
   *
   * @param groupId the group
   * @param epoch the epoch the commit is made in
   * @param kind how the member joins
   * @param joiner the new member (its leaf index is the one it will get)
   * @param committer the member whose commit adds it, or null for an external commit
   * @param replaced for {@link JoinKind#RESYNC}, the old leaf being removed; else null
   */
  record JoinRequest(
      byte[] groupId,
      long epoch,
      JoinKind kind,
      Member joiner,
      Member committer,
      Member replaced) {}

  /**
   * The default policy, for tests and closed deployments whose delivery service authenticates
   * members: basic credentials prove their identity bytes as they are; an X.509 credential is
   * accepted when its leaf certificate parses and holds the signature key, and proves the leaf's
   * subject name (RFC 2253 string, UTF-8). It does <em>not</em> check any chain of trust: a real
   * deployment supplies its own policy.
   */
  static MlsPolicy defaultPolicy() {
    return (suite, credential, signatureKey) -> {
      switch (credential.type()) {
        case Credential.BASIC:
          return credential.identity();
        case Credential.X509:
          return x509Identity(credential, signatureKey);
        default:
          throw new MlsException(
              MlsException.Reason.POLICY_REJECTED,
              "credential type " + credential.type() + " is not accepted");
      }
    };
  }

  private static byte[] x509Identity(Credential credential, byte[] signatureKey)
      throws MlsException {
    X509Certificate leaf;
    try {
      leaf =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(credential.certificates().get(0)));
    } catch (CertificateException | RuntimeException e) {
      throw new MlsException(
          MlsException.Reason.POLICY_REJECTED, "X.509 credential does not parse", e);
    }
    PublicKey key = leaf.getPublicKey();
    byte[] spki = key.getEncoded();
    // The MLS wire key is the raw key (Ed25519/Ed448) or the uncompressed point (ECDSA); both are
    // the tail of the SubjectPublicKeyInfo's BIT STRING.
    if (spki == null
        || signatureKey.length == 0
        || spki.length < signatureKey.length
        || !MessageDigest.isEqual(
            Arrays.copyOfRange(spki, spki.length - signatureKey.length, spki.length),
            signatureKey)) {
      throw new MlsException(
          MlsException.Reason.POLICY_REJECTED,
          "X.509 credential's leaf certificate does not hold the signature key");
    }
    return leaf.getSubjectX500Principal()
        .getName()
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
