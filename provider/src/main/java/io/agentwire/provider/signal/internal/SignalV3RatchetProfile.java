package io.agentwire.provider.signal.internal;

import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.provider.ratchet.internal.RatchetProfile;
import io.agentwire.provider.shared.internal.DecodingException;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.shared.internal.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@value DoubleRatchet#SIGNAL_V3_PROFILE} profile: libsignal's version-3 {@code
 * SignalMessage}.
 *
 * <ul>
 *   <li>KDF_RK = HKDF-SHA256(salt = root key, ikm = DH output, info = "WhisperRatchet", 64 bytes).
 *   <li>Message keys = HKDF-SHA256(zero salt, message key, "WhisperMessageKeys", 80 bytes): an
 *       AES-256 key, an HMAC-SHA256 key and a CBC IV.
 *   <li>Wire: {@code 0x33 | protobuf{1: 0x05|DH, 2: N, 3: PN, 4: AES-256-CBC/PKCS#7 ciphertext} |
 *       MAC (8)}, the MAC being HMAC-SHA256(mac key, sender identity (33) | receiver identity (33)
 *       | the bytes before it), truncated. PN is libsignal's: the index of the last message of the
 *       previous sending chain, max(Ns - 1, 0), not the specification's count.
 *   <li>The 64-byte shared secret (X3DH with info "WhisperText") is the root key and the first
 *       chain key, which is the responder's sending chain under its signed prekey and the
 *       initiator's receiving chain, as libsignal's {@code RatchetingSession} sets them up.
 * </ul>
 */
public final class SignalV3RatchetProfile extends RatchetProfile {

  public static final int VERSION_BYTE = 0x33;
  private static final int MAC_LENGTH = 8;
  private static final int IDENTITY_LENGTH = 33;
  private static final byte[] ROOT_INFO = "WhisperRatchet".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE_INFO =
      "WhisperMessageKeys".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String name() {
    return DoubleRatchet.SIGNAL_V3_PROFILE;
  }

  @Override
  public int id() {
    return 3;
  }

  @Override
  public int secretLength() {
    return 64;
  }

  @Override
  public boolean headerEncryption() {
    return false;
  }

  @Override
  public InitialKeys initialKeys(Hmac hmac, byte[] sharedSecret) {
    return new InitialKeys(
        Arrays.copyOfRange(sharedSecret, 0, 32),
        Arrays.copyOfRange(sharedSecret, 32, 64),
        null,
        null);
  }

  @Override
  public void kdfRk(
      Hmac hmac,
      byte[] rootKey,
      byte[] dhOutput,
      byte[] rootOut,
      byte[] chainOut,
      byte[] headerOut) {
    byte[] okm = new byte[64];
    hmac.hkdf(rootKey, dhOutput, 0, dhOutput.length, ROOT_INFO, okm);
    System.arraycopy(okm, 0, rootOut, 0, 32);
    System.arraycopy(okm, 32, chainOut, 0, 32);
    Arrays.fill(okm, (byte) 0);
  }

  /** The associated data must be two 33-byte encoded identity keys: the MAC takes them apart. */
  @Override
  public void checkAssociatedData(byte[] ad) throws RatchetException {
    if (ad.length != 2 * IDENTITY_LENGTH
        || ad[0] != Encodings.DJB_TYPE
        || ad[IDENTITY_LENGTH] != Encodings.DJB_TYPE) {
      throw new RatchetException(
          Reason.INVALID_KEY,
          "SignalV3 associated data is the initiator's and the responder's encoded identity keys"
              + " (2 x 33 bytes, each 0x05 then the X25519 key)");
    }
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
    byte[] keys = messageKeys(session.hmac, mk);
    try {
      Cipher aes = session.aesCbc();
      aes.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(keys, 0, 32, "AES"),
          new IvParameterSpec(keys, 64, 16));
      byte[] ciphertext = aes.doFinal(plaintext);
      byte[] body =
          new Protobuf.Writer()
              .bytes(1, Encodings.encodeKey(header.dh()))
              .uint32(2, header.n())
              .uint32(3, Math.max(header.pn() - 1, 0))
              .bytes(4, ciphertext)
              .toByteArray();
      byte[] out = new byte[1 + body.length + MAC_LENGTH];
      out[0] = (byte) VERSION_BYTE;
      System.arraycopy(body, 0, out, 1, body.length);
      byte[] mac = mac(session.hmac, keys, associatedData, senderIsInitiator, out, out.length - 8);
      System.arraycopy(mac, 0, out, out.length - MAC_LENGTH, MAC_LENGTH);
      return out;
    } finally {
      Arrays.fill(keys, (byte) 0);
      session.forgetKeys();
    }
  }

  /**
   * libsignal's PN is the index of the last message of the previous chain, {@code max(Ns - 1, 0)}
   * (its {@code SessionCipher} sets the previous counter so), not the specification's count: the
   * chain held PN + 1 messages, or none when PN is 0, which cannot be told apart. The key of that
   * one message is kept either way, so that it can still be read when it arrives late.
   */
  @Override
  public long previousChainLength(long pn) {
    return pn + 1;
  }

  @Override
  public long minimumPreviousChainLength(long pn) {
    return pn == 0 ? 0 : pn + 1;
  }

  @Override
  public Parsed parse(byte[] message) throws RatchetException {
    try {
      return parseFraming(message);
    } catch (DecodingException e) {
      throw malformed(e);
    }
  }

  private static Parsed parseFraming(byte[] message) throws RatchetException, DecodingException {
    if (message.length < 1 + MAC_LENGTH) {
      throw Protobuf.malformed("a SignalMessage has at least 9 bytes, got " + message.length);
    }
    if ((message[0] & 0xf0) != 0x30) {
      throw new RatchetException(
          Reason.UNSUPPORTED_VERSION,
          "not a version-3 SignalMessage (version byte " + (message[0] & 0xff) + ")");
    }
    Protobuf.Reader r = new Protobuf.Reader(message, 1, message.length - 1 - MAC_LENGTH);
    byte[] dh = null;
    long n = -1;
    long pn = 0;
    boolean hasCiphertext = false;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> dh = Encodings.decodeKey(r.bytes());
        case 2 -> n = r.uint32();
        case 3 -> pn = r.uint32();
        case 4 -> {
          r.bytes();
          hasCiphertext = true;
        }
        default -> r.skip();
      }
    }
    if (dh == null || n < 0 || !hasCiphertext) {
      throw Protobuf.malformed("a SignalMessage needs a ratchet key, a counter and a ciphertext");
    }
    return new Parsed(message, new Header(dh, pn, n));
  }

  /** The ratchet's MALFORMED for bytes the protobuf reader or the key decoder refused. */
  private static RatchetException malformed(DecodingException e) {
    return new RatchetException(Reason.MALFORMED, e.getMessage());
  }

  @Override
  public byte[] open(
      Session session, byte[] mk, Parsed parsed, byte[] associatedData, boolean senderIsInitiator)
      throws GeneralSecurityException {
    byte[] m = parsed.message();
    byte[] keys = messageKeys(session.hmac, mk);
    try {
      byte[] mac = mac(session.hmac, keys, associatedData, senderIsInitiator, m, m.length - 8);
      if (!MessageDigest.isEqual(
          Arrays.copyOf(mac, MAC_LENGTH), Arrays.copyOfRange(m, m.length - MAC_LENGTH, m.length))) {
        throw new AEADBadTagException("the SignalMessage MAC does not verify");
      }
      byte[] ciphertext = ciphertextOf(m);
      Cipher aes = session.aesCbc();
      aes.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(keys, 0, 32, "AES"),
          new IvParameterSpec(keys, 64, 16));
      try {
        return aes.doFinal(ciphertext);
      } catch (GeneralSecurityException e) {
        // Authentic but badly padded: the peer encrypted it wrongly; still nothing to deliver.
        throw new AEADBadTagException("the SignalMessage ciphertext is not valid AES-CBC");
      }
    } finally {
      Arrays.fill(keys, (byte) 0);
      session.forgetKeys();
    }
  }

  /** Field 4 of a message {@link #parse} has read through once already. */
  private static byte[] ciphertextOf(byte[] m) throws RatchetException {
    byte[] ciphertext = null;
    try {
      Protobuf.Reader r = new Protobuf.Reader(m, 1, m.length - 1 - MAC_LENGTH);
      while (r.next()) {
        if (r.field() == 4) {
          ciphertext = r.bytes();
        } else {
          r.skip();
        }
      }
    } catch (DecodingException e) {
      throw malformed(e);
    }
    return ciphertext;
  }

  private static byte[] messageKeys(Hmac hmac, byte[] mk) {
    byte[] okm = new byte[80];
    hmac.hkdf(null, mk, 0, mk.length, MESSAGE_INFO, okm);
    return okm;
  }

  private static byte[] mac(
      Hmac hmac,
      byte[] keys,
      byte[] associatedData,
      boolean senderIsInitiator,
      byte[] message,
      int length) {
    byte[] input = new byte[2 * IDENTITY_LENGTH + length];
    int sender = senderIsInitiator ? 0 : IDENTITY_LENGTH;
    System.arraycopy(associatedData, sender, input, 0, IDENTITY_LENGTH);
    System.arraycopy(
        associatedData, IDENTITY_LENGTH - sender, input, IDENTITY_LENGTH, IDENTITY_LENGTH);
    System.arraycopy(message, 0, input, 2 * IDENTITY_LENGTH, length);
    byte[] out = new byte[32];
    byte[] macKey = Arrays.copyOfRange(keys, 32, 64);
    hmac.mac(macKey, 32, input, 0, input.length, null, 0, out, 0);
    Arrays.fill(macKey, (byte) 0);
    return out;
  }
}
