package io.agentwire.provider.x3dh;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.shared.internal.DecodingException;
import io.agentwire.provider.shared.internal.Encodings;
import io.agentwire.provider.xec.XecKeyCodec;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What an agent publishes so that others can start conversations with it while it is offline: its
 * identity key, a signed prekey with the identity key's XEdDSA signature over the prekey's
 * encoding, and optionally one one-time prekey (X3DH specification, section 3.2). Immutable and
 * thread-safe.
 *
 * <p>Binary encoding, version 1, integers big-endian, keys encoded as X3DH's {@code Encode(PK)}
 * (the byte 0x05, then the 32-byte X25519 key, as libsignal encodes them):
 *
 * <pre>
 * 0x01 | Encode(IK) (33) | signed prekey id (4) | Encode(SPK) (33) | signature (64)
 *      | 0x00                                          (no one-time prekey: 136 bytes)
 *      | 0x01 | one-time prekey id (4) | Encode(OPK) (33)              (173 bytes)
 * </pre>
 */
public final class PrekeyBundle {

  static final int VERSION = 1;
  static final int KEY = 33;
  static final int SIGNATURE = 64;
  static final int LENGTH_WITHOUT_ONE_TIME = 1 + KEY + 4 + KEY + SIGNATURE + 1;
  static final int LENGTH_WITH_ONE_TIME = LENGTH_WITHOUT_ONE_TIME + 4 + KEY;

  private final byte[] identityKey;
  private final int signedPrekeyId;
  private final byte[] signedPrekey;
  private final byte[] signature;
  private final Integer oneTimePrekeyId;
  private final byte[] oneTimePrekey;

  private PrekeyBundle(
      byte[] identityKey,
      int signedPrekeyId,
      byte[] signedPrekey,
      byte[] signature,
      Integer oneTimePrekeyId,
      byte[] oneTimePrekey) {
    this.identityKey = identityKey;
    this.signedPrekeyId = signedPrekeyId;
    this.signedPrekey = signedPrekey;
    this.signature = signature;
    this.oneTimePrekeyId = oneTimePrekeyId;
    this.oneTimePrekey = oneTimePrekey;
  }

  /**
   * A bundle from its parts, for bundles made elsewhere (another library, a directory server). The
   * signature is checked when an {@link X3dh} initiator uses the bundle, not here.
   *
   * @param oneTimePrekeyId null when {@code oneTimePrekey} is null
   * @throws InvalidKeyException if a key is not an X25519 public key
   */
  public static PrekeyBundle of(
      PublicKey identityKey,
      int signedPrekeyId,
      PublicKey signedPrekey,
      byte[] signature,
      Integer oneTimePrekeyId,
      PublicKey oneTimePrekey)
      throws InvalidKeyException {
    Objects.requireNonNull(identityKey, "identityKey");
    Objects.requireNonNull(signedPrekey, "signedPrekey");
    Objects.requireNonNull(signature, "signature");
    if (signature.length != SIGNATURE) {
      throw new IllegalArgumentException(
          "an XEdDSA signature has 64 bytes, got " + signature.length);
    }
    if ((oneTimePrekeyId == null) != (oneTimePrekey == null)) {
      throw new IllegalArgumentException("a one-time prekey needs its id, and only then");
    }
    return new PrekeyBundle(
        raw(identityKey),
        signedPrekeyId,
        raw(signedPrekey),
        signature.clone(),
        oneTimePrekeyId,
        oneTimePrekey == null ? null : raw(oneTimePrekey));
  }

  /**
   * Decodes the binary encoding above.
   *
   * @throws X3dhException {@code MALFORMED} for a wrong length, version or key encoding
   */
  public static PrekeyBundle decode(byte[] encoded) throws X3dhException {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length != LENGTH_WITHOUT_ONE_TIME && encoded.length != LENGTH_WITH_ONE_TIME) {
      throw malformed(
          "a prekey bundle has "
              + LENGTH_WITHOUT_ONE_TIME
              + " or "
              + LENGTH_WITH_ONE_TIME
              + " bytes, got "
              + encoded.length);
    }
    if (encoded[0] != VERSION) {
      throw malformed("unknown prekey bundle version " + (encoded[0] & 0xff));
    }
    try {
      return decodeFields(encoded);
    } catch (DecodingException e) {
      throw malformed(e.getMessage());
    }
  }

  /** The fields of a bundle whose length and version are checked. */
  private static PrekeyBundle decodeFields(byte[] encoded) throws X3dhException, DecodingException {
    int p = 1;
    byte[] ik = Encodings.decodeKey(encoded, p);
    p += KEY;
    int spkId = (int) Encodings.getUint32(encoded, p);
    p += 4;
    byte[] spk = Encodings.decodeKey(encoded, p);
    p += KEY;
    byte[] sig = Arrays.copyOfRange(encoded, p, p + SIGNATURE);
    p += SIGNATURE;
    int flag = encoded[p++];
    boolean withOneTime = encoded.length == LENGTH_WITH_ONE_TIME;
    if (flag != (withOneTime ? 1 : 0)) {
      throw malformed("the one-time prekey flag does not match the length");
    }
    if (!withOneTime) {
      return new PrekeyBundle(ik, spkId, spk, sig, null, null);
    }
    int opkId = (int) Encodings.getUint32(encoded, p);
    p += 4;
    return new PrekeyBundle(ik, spkId, spk, sig, opkId, Encodings.decodeKey(encoded, p));
  }

  /** The binary encoding above. */
  public byte[] encode() {
    byte[] out = new byte[oneTimePrekey == null ? LENGTH_WITHOUT_ONE_TIME : LENGTH_WITH_ONE_TIME];
    int p = 0;
    out[p++] = VERSION;
    System.arraycopy(Encodings.encodeKey(identityKey), 0, out, p, KEY);
    p += KEY;
    Encodings.putUint32(out, p, Integer.toUnsignedLong(signedPrekeyId));
    p += 4;
    System.arraycopy(Encodings.encodeKey(signedPrekey), 0, out, p, KEY);
    p += KEY;
    System.arraycopy(signature, 0, out, p, SIGNATURE);
    p += SIGNATURE;
    out[p++] = (byte) (oneTimePrekey == null ? 0 : 1);
    if (oneTimePrekey != null) {
      Encodings.putUint32(out, p, Integer.toUnsignedLong(oneTimePrekeyId));
      p += 4;
      System.arraycopy(Encodings.encodeKey(oneTimePrekey), 0, out, p, KEY);
    }
    return out;
  }

  public PublicKey identityKey() {
    return key(identityKey);
  }

  public int signedPrekeyId() {
    return signedPrekeyId;
  }

  public PublicKey signedPrekey() {
    return key(signedPrekey);
  }

  /** The identity key's XEdDSA signature over {@code Encode(signedPrekey)}. */
  public byte[] signature() {
    return signature.clone();
  }

  public OptionalInt oneTimePrekeyId() {
    return oneTimePrekeyId == null ? OptionalInt.empty() : OptionalInt.of(oneTimePrekeyId);
  }

  /** The one-time prekey, or null if the bundle has none. */
  public PublicKey oneTimePrekey() {
    return oneTimePrekey == null ? null : key(oneTimePrekey);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrekeyBundle b && Arrays.equals(b.encode(), encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "PrekeyBundle[signed prekey "
        + Integer.toUnsignedString(signedPrekeyId)
        + (oneTimePrekeyId == null
            ? ", no one-time prekey"
            : ", one-time prekey " + Integer.toUnsignedString(oneTimePrekeyId))
        + "]";
  }

  private static byte[] raw(PublicKey key) throws InvalidKeyException {
    return XecKeyCodec.rawPublicKey(key, Primitive.X25519);
  }

  /** The public key over a raw key of this bundle, always 32 bytes. */
  private static PublicKey key(byte[] raw) {
    try {
      return XecKeyCodec.publicKey(Primitive.X25519, raw);
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static X3dhException malformed(String why) {
    return new X3dhException(X3dhException.Reason.MALFORMED, why);
  }
}
