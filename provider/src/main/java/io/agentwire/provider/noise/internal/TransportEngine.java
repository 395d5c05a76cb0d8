package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.noise.NoiseException;
import io.agentwire.provider.noise.NoiseProtocol;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** The transport phase: one sending and one receiving {@link CipherState}. Not thread-safe. */
final class TransportEngine implements NoiseTransport {

  private static final byte[] NO_AD = new byte[0];

  private final NoiseProtocol protocol;
  private final NoiseRole role;
  private final CipherState sending;
  private final CipherState receiving;
  private final byte[] handshakeHash;
  private final PublicKey remoteStatic;
  private volatile boolean destroyed;
  // Each direction uses either counter nonces or explicit nonces, never both: mixing them would
  // let a counter reach a nonce already used explicitly.
  private NonceMode sendingMode = NonceMode.UNDECIDED;
  private NonceMode receivingMode = NonceMode.UNDECIDED;

  private enum NonceMode {
    UNDECIDED,
    COUNTER,
    EXPLICIT
  }

  TransportEngine(
      NoiseProtocol protocol,
      NoiseRole role,
      CipherState sending,
      CipherState receiving,
      byte[] handshakeHash,
      PublicKey remoteStatic) {
    this.protocol = protocol;
    this.role = role;
    this.sending = sending;
    this.receiving = receiving;
    this.handshakeHash = handshakeHash;
    this.remoteStatic = remoteStatic;
  }

  @Override
  public NoiseProtocol protocol() {
    return protocol;
  }

  @Override
  public NoiseRole role() {
    return role;
  }

  @Override
  public byte[] handshakeHash() {
    return handshakeHash.clone();
  }

  @Override
  public Optional<PublicKey> remoteStaticKey() {
    return Optional.ofNullable(remoteStatic);
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws GeneralSecurityException {
    checkEncrypt(plaintext, 0, plaintext.length, null, 0);
    byte[] out = new byte[plaintext.length + AeadCipher.TAG_LENGTH];
    encrypt(null, plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  @Override
  public byte[] decrypt(byte[] ciphertext) throws GeneralSecurityException {
    checkDecrypt(ciphertext, 0, ciphertext.length, null, 0);
    byte[] out = new byte[Math.max(0, ciphertext.length - AeadCipher.TAG_LENGTH)];
    decrypt(null, ciphertext, 0, ciphertext.length, out, 0);
    return out;
  }

  @Override
  public int encrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    CipherState cs = sender();
    checkEncrypt(in, inOffset, length, out, outOffset);
    sendingMode = decide(sendingMode, NonceMode.COUNTER, "sending");
    byte[] a = ad == null ? NO_AD : ad;
    return cs.encryptWithAd(a, a.length, in, inOffset, length, out, outOffset);
  }

  @Override
  public int decrypt(byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    CipherState cs = receiver();
    checkDecrypt(in, inOffset, length, out, outOffset);
    receivingMode = decide(receivingMode, NonceMode.COUNTER, "receiving");
    byte[] a = ad == null ? NO_AD : ad;
    return cs.decryptWithAd(a, a.length, in, inOffset, length, out, outOffset);
  }

  @Override
  public int encryptWithNonce(
      long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    CipherState cs = sender();
    checkEncrypt(in, inOffset, length, out, outOffset);
    CipherState.checkNonce(nonce);
    sendingMode = decide(sendingMode, NonceMode.EXPLICIT, "sending");
    byte[] a = ad == null ? NO_AD : ad;
    return cs.encrypt(nonce, a, a.length, in, inOffset, length, out, outOffset);
  }

  @Override
  public int decryptWithNonce(
      long nonce, byte[] ad, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    CipherState cs = receiver();
    checkDecrypt(in, inOffset, length, out, outOffset);
    CipherState.checkNonce(nonce);
    receivingMode = decide(receivingMode, NonceMode.EXPLICIT, "receiving");
    byte[] a = ad == null ? NO_AD : ad;
    return cs.decrypt(nonce, a, a.length, in, inOffset, length, out, outOffset);
  }

  private static NonceMode decide(NonceMode current, NonceMode wanted, String direction) {
    if (current != NonceMode.UNDECIDED && current != wanted) {
      throw new IllegalStateException(
          "the "
              + direction
              + " direction already uses "
              + (current == NonceMode.COUNTER ? "counter" : "explicit")
              + " nonces; mixing them could reuse a nonce");
    }
    return wanted;
  }

  private static void checkEncrypt(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
    Objects.checkFromIndexSize(inOffset, length, in.length);
    if (length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "plaintext of "
              + length
              + " bytes exceeds the Noise transport limit of "
              + MAX_PLAINTEXT);
    }
    if (out != null) {
      Objects.checkFromIndexSize(outOffset, length + AeadCipher.TAG_LENGTH, out.length);
    }
  }

  private static void checkDecrypt(byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws NoiseException {
    Objects.checkFromIndexSize(inOffset, length, in.length);
    if (length > MAX_MESSAGE) {
      throw new NoiseException(
          NoiseException.Reason.MESSAGE_TOO_LONG,
          "transport message of " + length + " bytes exceeds the Noise limit of 65535");
    }
    if (length < AeadCipher.TAG_LENGTH) {
      throw new NoiseException(
          NoiseException.Reason.MESSAGE_TOO_SHORT,
          "transport message of " + length + " bytes is shorter than its 16-byte tag");
    }
    if (out != null) {
      Objects.checkFromIndexSize(outOffset, length - AeadCipher.TAG_LENGTH, out.length);
    }
  }

  @Override
  public long sendingNonce() {
    return sender().nonce();
  }

  @Override
  public long receivingNonce() {
    return receiver().nonce();
  }

  @Override
  public void rekeySending() throws GeneralSecurityException {
    sender().rekey();
  }

  @Override
  public void rekeyReceiving() throws GeneralSecurityException {
    receiver().rekey();
  }

  @Override
  public void dhStepSending(byte[] sharedSecret) throws GeneralSecurityException {
    CipherState cs = sender();
    // A ratchet resets the counter; explicit nonces chosen by the caller could then repeat.
    sendingMode = decide(sendingMode, NonceMode.COUNTER, "sending");
    cs.ratchet(protocol.hash(), sharedSecret);
  }

  @Override
  public void dhStepReceiving(byte[] sharedSecret) throws GeneralSecurityException {
    CipherState cs = receiver();
    receivingMode = decide(receivingMode, NonceMode.COUNTER, "receiving");
    cs.ratchet(protocol.hash(), sharedSecret);
  }

  /** The sending state (package access: the cipher states never leave this package). */
  CipherState sender() {
    checkLive();
    if (sending == null) {
      throw new IllegalStateException(
          protocol.pattern() + " is one-way: the responder can only receive");
    }
    return sending;
  }

  /** The receiving state. */
  CipherState receiver() {
    checkLive();
    if (receiving == null) {
      throw new IllegalStateException(
          protocol.pattern() + " is one-way: the initiator can only send");
    }
    return receiving;
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("this transport was destroyed");
    }
  }

  @Override
  public void destroy() {
    destroyed = true;
    if (sending != null) {
      sending.destroy();
    }
    if (receiving != null) {
      receiving.destroy();
    }
    Arrays.fill(handshakeHash, (byte) 0);
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "NoiseTransport[" + protocol.name() + ", " + role + "]";
  }
}
