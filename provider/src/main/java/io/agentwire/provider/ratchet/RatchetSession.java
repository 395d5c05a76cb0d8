package io.agentwire.provider.ratchet;

import java.security.GeneralSecurityException;
import javax.security.auth.Destroyable;

/**
 * One party's state of a Double Ratchet conversation (Signal's "The Double Ratchet Algorithm",
 * revision 1, sections 3.4-3.5; section 4 for the header-encryption profile). Every message gets a
 * fresh key from a symmetric-key chain, and every time the direction of the conversation turns the
 * parties step a Diffie-Hellman ratchet, so a stolen state cannot decrypt messages sent before it
 * was taken (their keys are deleted) nor messages sent after the next turn (they depend on a new DH
 * secret).
 *
 * <p>Messages may arrive out of order, be dropped or be duplicated: keys of skipped messages are
 * kept, at most {@link DoubleRatchet#maxSkip()} per chain step and {@link
 * DoubleRatchet#maxStoredKeys()} in all (the oldest are evicted), and a message is decrypted at
 * most once. A message that fails to decrypt, for any reason, leaves the session exactly as it was.
 *
 * <p>Made by {@link DoubleRatchet}. Not thread-safe: confine a session to one thread or lock around
 * it. {@link #destroy()} wipes every key it holds.
 */
public interface RatchetSession extends Destroyable {

  /** The profile this session runs, such as {@value DoubleRatchet#DEFAULT_PROFILE}. */
  String profile();

  /**
   * Encrypts one message: RatchetEncrypt of section 3.4 (RatchetEncryptHE of section 4.3 in the
   * header-encryption profile). The result carries the header and the ciphertext, in the profile's
   * wire format (see {@code docs/RATCHET.md}).
   *
   * @throws RatchetException with {@link RatchetException.Reason#COUNTER_EXHAUSTED} after 2^32 - 1
   *     messages without an answer
   * @throws IllegalStateException if the session cannot send yet (a responder before its first
   *     message arrives) or was destroyed
   */
  byte[] encrypt(byte[] plaintext) throws GeneralSecurityException;

  /**
   * Decrypts one message: RatchetDecrypt of section 3.5 (RatchetDecryptHE of section 4.3).
   *
   * @throws javax.crypto.AEADBadTagException if the message is not authentic under any key the
   *     session has or can derive
   * @throws RatchetException if the message is malformed ({@code MALFORMED}), was already decrypted
   *     ({@code REPLAYED}) or would skip too many keys ({@code TOO_MANY_SKIPPED})
   */
  byte[] decrypt(byte[] message) throws GeneralSecurityException;

  /** Whether this session has ever decrypted a message from its peer. */
  boolean hasReceived();

  /**
   * The session in a versioned binary format (see {@code docs/RATCHET.md}) that {@link
   * DoubleRatchet#restore} accepts, so an agent can stop and continue later. The bytes contain
   * every secret of the session: store them encrypted, and never restore the same bytes twice (that
   * would reuse message keys).
   */
  byte[] serialize();

  /** Wipes every key of the session; later calls throw {@link IllegalStateException}. */
  @Override
  void destroy();
}
