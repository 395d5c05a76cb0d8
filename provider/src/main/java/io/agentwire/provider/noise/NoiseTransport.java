package io.agentwire.provider.noise;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;
import javax.security.auth.Destroyable;

/**
 * The transport phase of a completed Noise handshake: the two CipherStates returned by Split()
 * (Noise revision 34, section 5.2), already assigned to sending and receiving for this party.
 *
 * <p>Each message carries a 16-byte tag and is at most 65535 bytes, so a plaintext is at most
 * {@link #MAX_PLAINTEXT} bytes. Sequential calls use the internal counter nonces; the {@code
 * WithNonce} variants take an explicit nonce (section 11.4: out-of-order transports; the caller
 * must never repeat one). Each direction uses one kind or the other for its whole life: the first
 * call decides, and the other kind then throws {@link IllegalStateException}, because a counter
 * could otherwise reach a nonce already used explicitly. A failed decryption changes nothing; an
 * encryption that fails inside the cipher disables sending, since retrying could reuse the nonce.
 * In one-way patterns the responder can only receive and the initiator only send.
 *
 * <p>Not thread-safe: one thread may send while another receives only if the caller serializes each
 * direction itself and never calls {@link #destroy()} concurrently.
 */
public interface NoiseTransport extends Destroyable {

  /** The largest Noise message, 65535 bytes. */
  int MAX_MESSAGE = 65535;

  /** The largest plaintext of one transport message, 65535 - 16. */
  int MAX_PLAINTEXT = MAX_MESSAGE - 16;

  /** The protocol that produced this transport. */
  NoiseProtocol protocol();

  /** This party's role in the handshake. */
  NoiseRole role();

  /** The handshake hash, for channel binding (section 11.2). */
  byte[] handshakeHash();

  /** The peer's static public key, if the pattern transmitted or pre-shared one. */
  Optional<PublicKey> remoteStaticKey();

  /** Encrypts {@code plaintext} without associated data. */
  byte[] encrypt(byte[] plaintext) throws GeneralSecurityException;

  /** Decrypts {@code ciphertext} without associated data. */
  byte[] decrypt(byte[] ciphertext) throws GeneralSecurityException;

  /**
   * Encrypts {@code length} bytes with the next sending nonce and writes {@code length + 16} bytes
   * at {@code out[outOffset]}. {@code associatedData} may be null.
   *
   * @return the number of bytes written
   * @throws NoiseException if the sending nonce is exhausted
   */
  int encrypt(byte[] associatedData, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException;

  /**
   * Decrypts a {@code length}-byte message with the next receiving nonce and writes {@code length -
   * 16} bytes at {@code out[outOffset]}.
   *
   * @return the number of bytes written
   * @throws javax.crypto.AEADBadTagException if the message is not authentic; nothing changes
   * @throws NoiseException if the message is longer than 65535 bytes or the nonce is exhausted
   */
  int decrypt(byte[] associatedData, byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException;

  /** As {@link #encrypt(byte[], byte[], int, int, byte[], int)} with an explicit nonce. */
  int encryptWithNonce(
      long nonce,
      byte[] associatedData,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException;

  /** As {@link #decrypt(byte[], byte[], int, int, byte[], int)} with an explicit nonce. */
  int decryptWithNonce(
      long nonce,
      byte[] associatedData,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException;

  /** The nonce the next sequential {@code encrypt} will use (unsigned). */
  long sendingNonce();

  /** The nonce the next sequential {@code decrypt} expects (unsigned). */
  long receivingNonce();

  /** Rekey() of the sending CipherState (section 11.3); the peer must rekey its receiving one. */
  void rekeySending() throws GeneralSecurityException;

  /** Rekey() of the receiving CipherState. */
  void rekeyReceiving() throws GeneralSecurityException;

  /**
   * An AgentWire extension beyond revision 34: replaces the sending key with the first output of
   * {@code HKDF(k, sharedSecret)} (section 4.3, over the protocol's hash, truncated to 32 bytes)
   * and resets the sending nonce to 0. Feeding it a fresh Diffie-Hellman output both sides agree on
   * gives break-in recovery, which {@link #rekeySending()} alone cannot. The old key is wiped. The
   * peer must call {@link #dhStepReceiving(byte[])} with the same secret at the same message.
   *
   * @throws IllegalStateException if this direction uses explicit nonces
   */
  void dhStepSending(byte[] sharedSecret) throws GeneralSecurityException;

  /** The receiving counterpart of {@link #dhStepSending(byte[])}. */
  void dhStepReceiving(byte[] sharedSecret) throws GeneralSecurityException;

  /** Wipes both keys; every later call fails with {@link IllegalStateException}. */
  @Override
  void destroy();

  @Override
  boolean isDestroyed();
}
