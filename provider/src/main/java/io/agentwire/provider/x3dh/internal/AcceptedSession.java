package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import io.agentwire.provider.x3dh.X3dhException.Reason;
import io.agentwire.provider.x3dh.internal.X3dhProfile.InitialMessageFields;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Objects;

/**
 * The responder's side after X3DH: the session {@link PrekeyStore#accept} started, the first
 * plaintext, and the initiator's identity and base key, by which later initial messages of the same
 * session are recognised. As thread-safe as its {@link RatchetSession}.
 */
final class AcceptedSession implements X3dh.Accepted {

  private final X3dhProfile profile;
  private final RatchetSession session;
  private final byte[] plaintext;
  private final PublicKey initiatorIdentity;
  private final byte[] identity;
  private final byte[] baseKey;

  /**
   * @param identity the initiator's raw identity public key
   * @param baseKey the initiator's raw ephemeral public key
   */
  AcceptedSession(
      X3dhProfile profile,
      RatchetSession session,
      byte[] plaintext,
      PublicKey initiatorIdentity,
      byte[] identity,
      byte[] baseKey) {
    this.profile = profile;
    this.session = session;
    this.plaintext = plaintext;
    this.initiatorIdentity = initiatorIdentity;
    this.identity = identity;
    this.baseKey = baseKey;
  }

  @Override
  public RatchetSession session() {
    return session;
  }

  @Override
  public byte[] plaintext() {
    return plaintext.clone();
  }

  @Override
  public PublicKey initiatorIdentity() {
    return initiatorIdentity;
  }

  @Override
  public byte[] decryptInitialMessage(byte[] initialMessage) throws GeneralSecurityException {
    Objects.requireNonNull(initialMessage, "initialMessage");
    InitialMessageFields m = profile.parseInitialMessage(initialMessage);
    if (!MessageDigest.isEqual(m.ephemeral(), baseKey)) {
      throw new X3dhException(
          Reason.UNKNOWN_PREKEY,
          "the initial message belongs to another session (its base key differs)");
    }
    if (!MessageDigest.isEqual(m.identity(), identity)) {
      throw new X3dhException(
          Reason.WRONG_IDENTITY, "the initial message names another initiator identity");
    }
    return session.decrypt(m.ratchetMessage());
  }

  @Override
  public String toString() {
    return "X3dh.Accepted[" + session + "]";
  }
}
