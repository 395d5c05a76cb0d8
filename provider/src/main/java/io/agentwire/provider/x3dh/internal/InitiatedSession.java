package io.agentwire.provider.x3dh.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.ratchet.RatchetSession;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.internal.X3dhProfile.InitialMessageFields;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The initiator's side after X3DH: its ratchet session, and the X3DH header (public keys and prekey
 * ids only) it puts on every message until the responder answers. As thread-safe as its {@link
 * RatchetSession}.
 */
final class InitiatedSession implements X3dh.Initiated {

  private final X3dhProfile profile;
  private final RatchetSession session;
  private final PublicKey responderIdentity;
  private final byte[] identity;
  private final byte[] ephemeral;
  private final int signedPrekeyId;
  private final OptionalInt oneTimePrekeyId;

  /**
   * @param identity the initiator's raw identity public key
   * @param ephemeral the raw ephemeral (base) public key
   */
  InitiatedSession(
      X3dhProfile profile,
      RatchetSession session,
      PublicKey responderIdentity,
      byte[] identity,
      byte[] ephemeral,
      int signedPrekeyId,
      OptionalInt oneTimePrekeyId) {
    this.profile = profile;
    this.session = session;
    this.responderIdentity = responderIdentity;
    this.identity = identity;
    this.ephemeral = ephemeral;
    this.signedPrekeyId = signedPrekeyId;
    this.oneTimePrekeyId = oneTimePrekeyId;
  }

  @Override
  public RatchetSession session() {
    return session;
  }

  @Override
  public PublicKey responderIdentity() {
    return responderIdentity;
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    byte[] ratchetMessage = session.encrypt(plaintext);
    if (session.hasReceived()) {
      return ratchetMessage;
    }
    return profile.encodeInitialMessage(
        new InitialMessageFields(
            identity, ephemeral, signedPrekeyId, oneTimePrekeyId, ratchetMessage));
  }

  @Override
  public byte[] decrypt(byte[] message) throws GeneralSecurityException {
    return session.decrypt(message);
  }

  @Override
  public byte[] serialize() {
    byte[] sessionBlob = session.serialize();
    try {
      byte[] responder;
      try {
        responder = XecKeyCodec.rawPublicKey(responderIdentity, Primitive.X25519);
      } catch (InvalidKeyException e) {
        throw new IllegalStateException("the bundle's identity key was checked as X25519", e);
      }
      return InitiatorBlobCodec.encode(
          profile, identity, ephemeral, responder, signedPrekeyId, oneTimePrekeyId, sessionBlob);
    } finally {
      Arrays.fill(sessionBlob, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "X3dh.Initiated[" + session + "]";
  }
}
