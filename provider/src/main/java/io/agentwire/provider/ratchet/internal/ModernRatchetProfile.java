package io.agentwire.provider.ratchet.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.shared.internal.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * AgentWire's own Double Ratchet profiles: {@value DoubleRatchet#DEFAULT_PROFILE} and, with header
 * encryption, {@value DoubleRatchet#HEADER_ENCRYPTED_PROFILE}. ChaCha20-Poly1305 under a key and
 * nonce that HKDF-SHA256 derives from each message key (section 5.2's recommendation, with an AEAD
 * in place of CBC+HMAC). Wire formats, all integers big-endian:
 *
 * <pre>
 * plain header:     0x01 | DH (32) | PN (4) | N (4) | ciphertext+tag     AD = ad || first 41 bytes
 * encrypted header: 0x02 | nonce (12) | AEAD(HK, nonce, 0x02, DH|PN|N) (56) | ciphertext+tag
 *                                                                        AD = ad || first 69 bytes
 * </pre>
 *
 * The header nonce is random: one header key serves a whole sending chain, and the receiver cannot
 * know a counter before it has opened the header.
 */
final class ModernRatchetProfile extends RatchetProfile {

  private static final byte[] ROOT_INFO = ascii("AgentWire DoubleRatchet root");
  private static final byte[] MESSAGE_INFO = ascii("AgentWire DoubleRatchet message");
  private static final byte[] HEADER_KEYS_INFO = ascii("AgentWire DoubleRatchet header keys");
  private static final int KEY = 32;
  private static final int NONCE = AeadCipher.NONCE_LENGTH;
  private static final int TAG = AeadCipher.TAG_LENGTH;
  static final int HEADER = 32 + 4 + 4;
  static final int PLAIN_PREFIX = 1 + HEADER;
  static final int ENCRYPTED_PREFIX = 1 + NONCE + HEADER + TAG;

  private final boolean headerEncryption;

  ModernRatchetProfile(boolean headerEncryption) {
    this.headerEncryption = headerEncryption;
  }

  @Override
  public String name() {
    return headerEncryption
        ? DoubleRatchet.HEADER_ENCRYPTED_PROFILE
        : DoubleRatchet.DEFAULT_PROFILE;
  }

  @Override
  public int id() {
    return headerEncryption ? 2 : 1;
  }

  @Override
  public int secretLength() {
    return 32;
  }

  @Override
  public boolean headerEncryption() {
    return headerEncryption;
  }

  @Override
  public InitialKeys initialKeys(Hmac hmac, byte[] sharedSecret) {
    if (!headerEncryption) {
      return new InitialKeys(sharedSecret.clone(), null, null, null);
    }
    byte[] okm = new byte[3 * KEY];
    hmac.hkdf(null, sharedSecret, 0, sharedSecret.length, HEADER_KEYS_INFO, okm);
    InitialKeys keys =
        new InitialKeys(
            Arrays.copyOfRange(okm, 0, KEY),
            null,
            Arrays.copyOfRange(okm, KEY, 2 * KEY),
            Arrays.copyOfRange(okm, 2 * KEY, 3 * KEY));
    Arrays.fill(okm, (byte) 0);
    return keys;
  }

  @Override
  public void kdfRk(
      Hmac hmac,
      byte[] rootKey,
      byte[] dhOutput,
      byte[] rootOut,
      byte[] chainOut,
      byte[] headerOut) {
    byte[] okm = new byte[(headerEncryption ? 3 : 2) * KEY];
    hmac.hkdf(rootKey, dhOutput, 0, dhOutput.length, ROOT_INFO, okm);
    System.arraycopy(okm, 0, rootOut, 0, KEY);
    System.arraycopy(okm, KEY, chainOut, 0, KEY);
    if (headerEncryption) {
      System.arraycopy(okm, 2 * KEY, headerOut, 0, KEY);
    }
    Arrays.fill(okm, (byte) 0);
  }

  @Override
  public byte[] seal(
      Session session,
      byte[] mk,
      Header header,
      byte[] headerKey,
      byte[] plaintext,
      byte[] associatedData,
      boolean senderIsInitiator)
      throws GeneralSecurityException {
    int prefix = headerEncryption ? ENCRYPTED_PREFIX : PLAIN_PREFIX;
    byte[] out = new byte[prefix + plaintext.length + TAG];
    byte[] plainHeader = new byte[HEADER];
    System.arraycopy(header.dh(), 0, plainHeader, 0, 32);
    Encodings.putUint32(plainHeader, 32, header.pn());
    Encodings.putUint32(plainHeader, 36, header.n());
    AeadCipher aead = session.aead();
    if (headerEncryption) {
      out[0] = 2;
      byte[] nonce = new byte[NONCE];
      Backends.randomBytes(nonce);
      System.arraycopy(nonce, 0, out, 1, NONCE);
      aead.setKey(headerKey);
      aead.seal(nonce, out, 0, 1, plainHeader, 0, HEADER, out, 1 + NONCE);
    } else {
      out[0] = 1;
      System.arraycopy(plainHeader, 0, out, 1, HEADER);
    }
    byte[] ad = concat(associatedData, out, prefix);
    byte[] keyAndNonce = messageKeys(session.hmac, mk);
    byte[] key = Arrays.copyOf(keyAndNonce, KEY);
    try {
      aead.setKey(key);
      aead.seal(
          Arrays.copyOfRange(keyAndNonce, KEY, KEY + NONCE),
          ad,
          0,
          ad.length,
          plaintext,
          0,
          plaintext.length,
          out,
          prefix);
    } finally {
      Arrays.fill(keyAndNonce, (byte) 0);
      Arrays.fill(key, (byte) 0);
      session.forgetKeys();
    }
    return out;
  }

  @Override
  public Parsed parse(byte[] message) throws RatchetException {
    int version = headerEncryption ? 2 : 1;
    int prefix = headerEncryption ? ENCRYPTED_PREFIX : PLAIN_PREFIX;
    if (message.length < prefix + TAG) {
      throw new RatchetException(
          Reason.MALFORMED,
          "a "
              + name()
              + " message has at least "
              + (prefix + TAG)
              + " bytes, got "
              + message.length);
    }
    if (message[0] != version) {
      throw new RatchetException(
          Reason.MALFORMED,
          "a "
              + name()
              + " message starts with version "
              + version
              + ", got "
              + (message[0] & 0xff));
    }
    if (headerEncryption) {
      return new Parsed(message, null);
    }
    return new Parsed(message, decodeHeader(message, 1));
  }

  @Override
  public Header openHeader(Session session, byte[] headerKey, Parsed parsed) {
    if (!headerEncryption) {
      return parsed.header();
    }
    byte[] m = parsed.message();
    byte[] plainHeader = new byte[HEADER];
    try {
      AeadCipher aead = session.aead();
      aead.setKey(headerKey);
      aead.open(
          Arrays.copyOfRange(m, 1, 1 + NONCE), m, 0, 1, m, 1 + NONCE, HEADER + TAG, plainHeader, 0);
      return decodeHeader(plainHeader, 0);
    } catch (GeneralSecurityException e) {
      return null;
    } finally {
      session.forgetKeys();
    }
  }

  @Override
  public byte[] open(
      Session session, byte[] mk, Parsed parsed, byte[] associatedData, boolean senderIsInitiator)
      throws GeneralSecurityException {
    byte[] m = parsed.message();
    int prefix = headerEncryption ? ENCRYPTED_PREFIX : PLAIN_PREFIX;
    byte[] ad = concat(associatedData, m, prefix);
    byte[] out = new byte[m.length - prefix - TAG];
    byte[] keyAndNonce = messageKeys(session.hmac, mk);
    byte[] key = Arrays.copyOf(keyAndNonce, KEY);
    try {
      AeadCipher aead = session.aead();
      aead.setKey(key);
      aead.open(
          Arrays.copyOfRange(keyAndNonce, KEY, KEY + NONCE),
          ad,
          0,
          ad.length,
          m,
          prefix,
          m.length - prefix,
          out,
          0);
      return out;
    } catch (AEADBadTagException e) {
      Arrays.fill(out, (byte) 0);
      throw new AEADBadTagException("the message is not authentic under its ratchet key");
    } finally {
      Arrays.fill(keyAndNonce, (byte) 0);
      Arrays.fill(key, (byte) 0);
      session.forgetKeys();
    }
  }

  private static byte[] messageKeys(Hmac hmac, byte[] mk) {
    byte[] okm = new byte[KEY + NONCE];
    hmac.hkdf(null, mk, 0, mk.length, MESSAGE_INFO, okm);
    return okm;
  }

  private static Header decodeHeader(byte[] b, int offset) {
    return new Header(
        Arrays.copyOfRange(b, offset, offset + 32),
        Encodings.getUint32(b, offset + 32),
        Encodings.getUint32(b, offset + 36));
  }

  private static byte[] concat(byte[] a, byte[] b, int bLength) {
    byte[] out = Arrays.copyOf(a, a.length + bLength);
    System.arraycopy(b, 0, out, a.length, bLength);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
