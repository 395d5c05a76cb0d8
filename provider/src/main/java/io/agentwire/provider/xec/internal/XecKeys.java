package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyRep;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import javax.security.auth.DestroyFailedException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * X25519 and X448 keys in the JDK's own shapes ({@link XECPublicKey}, {@link XECPrivateKey}, X.509
 * and PKCS#8 encodings of RFC 8410), and conversion from any provider's keys to raw bytes.
 */
public final class XecKeys {

  private XecKeys() {}

  private static final ASN1ObjectIdentifier ID_X25519 = new ASN1ObjectIdentifier("1.3.101.110");
  private static final ASN1ObjectIdentifier ID_X448 = new ASN1ObjectIdentifier("1.3.101.111");
  private static final byte[] SPKI_25519 = hex("302a300506032b656e032100");
  private static final byte[] SPKI_448 = hex("3042300506032b656f033900");
  private static final byte[] PKCS8_25519 = hex("302e020100300506032b656e04220420");
  private static final byte[] PKCS8_448 = hex("3046020100300506032b656f043a0438");

  /** The curve named by {@code name} ("X25519" or "X448", any case), or null. */
  public static Primitive curveOf(String name) {
    switch (name.toUpperCase(Locale.ROOT)) {
      case "X25519":
        return Primitive.X25519;
      case "X448":
        return Primitive.X448;
      default:
        return null;
    }
  }

  /** The curve of an {@link XECKey}'s parameters, or null. */
  static Primitive curveOf(AlgorithmParameterSpec params) {
    return params instanceof NamedParameterSpec
        ? curveOf(((NamedParameterSpec) params).getName())
        : null;
  }

  static NamedParameterSpec spec(Primitive curve) {
    return curve == Primitive.X25519 ? NamedParameterSpec.X25519 : NamedParameterSpec.X448;
  }

  /** A public key over raw little-endian bytes (copied). */
  public static PublicKeyImpl publicKey(Primitive curve, byte[] raw) {
    if (raw.length != curve.length()) {
      throw new IllegalArgumentException(
          curve + " public key must be " + curve.length() + " bytes, got " + raw.length);
    }
    return new PublicKeyImpl(curve, raw.clone());
  }

  /** A private key over raw bytes with its known public key (both copied). */
  static PrivateKeyImpl privateKey(Primitive curve, byte[] raw, byte[] publicKey) {
    PrivateKeyImpl k = privateKey(curve, raw);
    return new PrivateKeyImpl(curve, k.raw, publicKey);
  }

  /** A private key over raw bytes (copied). */
  public static PrivateKeyImpl privateKey(Primitive curve, byte[] raw) {
    if (raw.length != curve.length()) {
      throw new IllegalArgumentException(
          curve + " private key must be " + curve.length() + " bytes, got " + raw.length);
    }
    return new PrivateKeyImpl(curve, raw.clone());
  }

  /**
   * The raw bytes of any provider's public key on {@code curve}: an {@link XECPublicKey} or an
   * X.509 encoding.
   */
  public static byte[] rawPublic(Key key, Primitive curve) throws InvalidKeyException {
    if (key instanceof PublicKeyImpl) {
      PublicKeyImpl k = (PublicKeyImpl) key;
      requireCurve(k.curve, curve);
      if (k.raw.length != curve.length()) {
        throw new InvalidKeyException("corrupt " + curve + " public key");
      }
      return k.raw.clone();
    }
    if (key instanceof XECPublicKey) {
      XECPublicKey k = (XECPublicKey) key;
      requireCurve(curveOf(k.getParams()), curve);
      return encodeU(k.getU(), curve);
    }
    if (key instanceof PublicKey && "X.509".equalsIgnoreCase(key.getFormat())) {
      byte[] encoded = key.getEncoded();
      try {
        PublicKeyImpl parsed = decodeX509(encoded);
        requireCurve(parsed.curve, curve);
        return parsed.raw;
      } catch (InvalidKeySpecException e) {
        throw new InvalidKeyException(e.getMessage(), e);
      }
    }
    throw new InvalidKeyException(
        "expected an "
            + curve
            + " public key, got "
            + (key == null ? "null" : key.getClass().getName()));
  }

  /**
   * The raw bytes of any provider's private key on {@code curve}; the caller wipes them after use.
   */
  public static byte[] rawPrivate(Key key, Primitive curve) throws InvalidKeyException {
    if (key instanceof PrivateKeyImpl) {
      PrivateKeyImpl k = (PrivateKeyImpl) key;
      requireCurve(k.curve, curve);
      return k.rawCopy();
    }
    if (key instanceof XECPrivateKey) {
      XECPrivateKey k = (XECPrivateKey) key;
      requireCurve(curveOf(k.getParams()), curve);
      byte[] scalar =
          k.getScalar()
              .orElseThrow(
                  () -> new InvalidKeyException("the private key does not expose its scalar"));
      if (scalar.length != curve.length()) {
        throw new InvalidKeyException(
            curve + " private key must be " + curve.length() + " bytes, got " + scalar.length);
      }
      return scalar;
    }
    if (key instanceof PrivateKey && "PKCS#8".equalsIgnoreCase(key.getFormat())) {
      byte[] encoded = key.getEncoded();
      try {
        PrivateKeyImpl parsed = decodePkcs8(encoded);
        requireCurve(parsed.curve, curve);
        return parsed.raw;
      } catch (InvalidKeySpecException e) {
        throw new InvalidKeyException(e.getMessage(), e);
      } finally {
        if (encoded != null) {
          Arrays.fill(encoded, (byte) 0);
        }
      }
    }
    throw new InvalidKeyException(
        "expected an "
            + curve
            + " private key, got "
            + (key == null ? "null" : key.getClass().getName()));
  }

  /**
   * The raw public key of the private {@code key} on {@code curve}: remembered by AgentWire's own
   * private keys (a static key is used for many handshakes), computed with the provider's routed DH
   * function for anyone else's.
   */
  public static byte[] rawPublicOf(Key key, Primitive curve) throws InvalidKeyException {
    byte[] raw = rawPrivate(key, curve);
    try {
      DhFunction dh = Backends.dh(curve);
      if (key instanceof PrivateKeyImpl) {
        return ((PrivateKeyImpl) key).publicKey(dh);
      }
      byte[] pub = new byte[raw.length];
      dh.publicKey(raw, pub);
      return pub;
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The raw public key in an X.509 SubjectPublicKeyInfo of either curve (RFC 8410), exactly as
   * encoded: bit 255 of an X25519 key is kept.
   */
  public static byte[] rawPublicFromX509(byte[] encoded) throws InvalidKeySpecException {
    // The canonical form is the fixed prefix and the key: compared, not parsed, on this hot path
    // (peer keys, trust stores, fingerprints).
    for (Primitive curve : new Primitive[] {Primitive.X25519, Primitive.X448}) {
      byte[] prefix = curve == Primitive.X25519 ? SPKI_25519 : SPKI_448;
      if (encoded != null
          && encoded.length == prefix.length + curve.length()
          && Arrays.equals(encoded, 0, prefix.length, prefix, 0, prefix.length)) {
        return Arrays.copyOfRange(encoded, prefix.length, encoded.length);
      }
    }
    // Anything else is refused; the parser says why.
    decodeX509(encoded);
    throw new InvalidKeySpecException("X.509 public key is not in canonical DER form");
  }

  private static void requireCurve(Primitive actual, Primitive expected)
      throws InvalidKeyException {
    if (actual != expected) {
      throw new InvalidKeyException(
          "expected an "
              + expected
              + " key, got a key on "
              + (actual == null ? "another curve" : actual));
    }
  }

  /** RFC 7748 encoding of u as little-endian bytes. */
  static byte[] encodeU(BigInteger u, Primitive curve) throws InvalidKeyException {
    int length = curve.length();
    if (u.signum() < 0 || u.bitLength() > 8 * length) {
      throw new InvalidKeyException("u coordinate out of range for " + curve);
    }
    byte[] be = u.toByteArray();
    byte[] le = new byte[length];
    for (int i = 0; i < length && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  /** RFC 7748 decodeUCoordinate: little-endian, the top bit masked for X25519. */
  static BigInteger decodeU(byte[] raw, Primitive curve) {
    byte[] be = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      be[i] = raw[raw.length - 1 - i];
    }
    if (curve == Primitive.X25519) {
      be[0] &= 0x7f;
    }
    return new BigInteger(1, be);
  }

  static byte[] encodeX509(Primitive curve, byte[] raw) {
    return concat(curve == Primitive.X25519 ? SPKI_25519 : SPKI_448, raw);
  }

  static byte[] encodePkcs8(Primitive curve, byte[] raw) {
    return concat(curve == Primitive.X25519 ? PKCS8_25519 : PKCS8_448, raw);
  }

  static PublicKeyImpl decodeX509(byte[] encoded) throws InvalidKeySpecException {
    if (encoded == null || encoded.length == 0) {
      throw new InvalidKeySpecException("empty X.509 public key encoding");
    }
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(encoded);
      if (info == null) {
        throw new InvalidKeySpecException("empty X.509 public key encoding");
      }
      Primitive curve = curveOf(info.getAlgorithm().getAlgorithm());
      if (info.getAlgorithm().getParameters() != null) {
        throw new InvalidKeySpecException("RFC 8410 forbids algorithm parameters for " + curve);
      }
      if (info.getPublicKeyData().getPadBits() != 0) {
        throw new InvalidKeySpecException("public key bit string has unused bits");
      }
      byte[] raw = info.getPublicKeyData().getOctets();
      if (raw.length != curve.length()) {
        throw new InvalidKeySpecException(
            curve + " public key must be " + curve.length() + " bytes, got " + raw.length);
      }
      if (!Arrays.equals(encodeX509(curve, raw), encoded)) {
        throw new InvalidKeySpecException("X.509 public key is not in canonical DER form");
      }
      return new PublicKeyImpl(curve, raw);
    } catch (RuntimeException e) {
      // BouncyCastle's parser signals bad DER with assorted runtime exceptions.
      throw new InvalidKeySpecException("malformed X.509 public key encoding", e);
    }
  }

  static PrivateKeyImpl decodePkcs8(byte[] encoded) throws InvalidKeySpecException {
    if (encoded == null || encoded.length == 0) {
      throw new InvalidKeySpecException("empty PKCS#8 private key encoding");
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
      if (info == null) {
        throw new InvalidKeySpecException("empty PKCS#8 private key encoding");
      }
      Primitive curve = curveOf(info.getPrivateKeyAlgorithm().getAlgorithm());
      if (info.getPrivateKeyAlgorithm().getParameters() != null) {
        throw new InvalidKeySpecException("RFC 8410 forbids algorithm parameters for " + curve);
      }
      byte[] raw = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      if (raw.length != curve.length()) {
        Arrays.fill(raw, (byte) 0);
        throw new InvalidKeySpecException(
            curve + " private key must be " + curve.length() + " bytes, got " + raw.length);
      }
      return new PrivateKeyImpl(curve, raw);
    } catch (java.io.IOException | RuntimeException e) {
      throw new InvalidKeySpecException("malformed PKCS#8 private key encoding", e);
    }
  }

  private static Primitive curveOf(ASN1ObjectIdentifier oid) throws InvalidKeySpecException {
    if (ID_X25519.equals(oid)) {
      return Primitive.X25519;
    }
    if (ID_X448.equals(oid)) {
      return Primitive.X448;
    }
    throw new InvalidKeySpecException("not an X25519 or X448 key: algorithm " + oid);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static byte[] hex(String s) {
    byte[] r = new byte[s.length() / 2];
    for (int i = 0; i < r.length; i++) {
      r[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return r;
  }

  /** An X25519 or X448 public key. Immutable. */
  public static final class PublicKeyImpl implements XECPublicKey {
    private static final long serialVersionUID = 1L;
    final Primitive curve;
    final byte[] raw;
    private transient int hash;

    PublicKeyImpl(Primitive curve, byte[] raw) {
      this.curve = curve;
      this.raw = raw;
    }

    /** The raw RFC 7748 encoding (a copy). */
    public byte[] raw() {
      return raw.clone();
    }

    @Override
    public BigInteger getU() {
      return decodeU(raw, curve);
    }

    @Override
    public AlgorithmParameterSpec getParams() {
      return spec(curve);
    }

    @Override
    public String getAlgorithm() {
      return "XDH";
    }

    @Override
    public String getFormat() {
      return "X.509";
    }

    @Override
    public byte[] getEncoded() {
      return encodeX509(curve, raw);
    }

    /** Equal to any provider's public key with the same X.509 encoding, as SunEC's keys are. */
    @Override
    public boolean equals(Object o) {
      if (o instanceof PublicKeyImpl) {
        return ((PublicKeyImpl) o).curve == curve && Arrays.equals(((PublicKeyImpl) o).raw, raw);
      }
      return o instanceof PublicKey
          && "X.509".equalsIgnoreCase(((PublicKey) o).getFormat())
          && Arrays.equals(getEncoded(), ((PublicKey) o).getEncoded());
    }

    /**
     * The hash the JDK's own key would have for the same encoding, so that hash sets mixing
     * AgentWire and SunEC keys behave; the JDK changed its formula between releases, so it is asked
     * rather than imitated (once per key).
     */
    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) {
        h = jdkHash(getEncoded());
        hash = h;
      }
      return h;
    }

    private static int jdkHash(byte[] encoded) {
      try {
        return java.security.KeyFactory.getInstance("XDH", "SunEC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(encoded))
            .hashCode();
      } catch (java.security.GeneralSecurityException | RuntimeException e) {
        return Arrays.hashCode(encoded);
      }
    }

    /** Serialized as a {@link KeyRep}, as the JDK's keys are, so no unchecked bytes come back. */
    private Object writeReplace() {
      return new KeyRep(KeyRep.Type.PUBLIC, "XDH", "X.509", getEncoded());
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
      throw new java.io.InvalidObjectException("XDH keys are serialized as KeyRep");
    }

    @Override
    public String toString() {
      return curve + " public key " + java.util.HexFormat.of().formatHex(raw);
    }
  }

  /** An X25519 or X448 private key; {@link #destroy()} wipes it. */
  public static final class PrivateKeyImpl implements XECPrivateKey {
    private static final long serialVersionUID = 1L;
    final Primitive curve;
    private final byte[] raw;
    private volatile boolean destroyed;
    private transient volatile byte[] publicKey;

    PrivateKeyImpl(Primitive curve, byte[] raw) {
      this.curve = curve;
      this.raw = raw;
    }

    PrivateKeyImpl(Primitive curve, byte[] raw, byte[] publicKey) {
      this(curve, raw);
      this.publicKey = publicKey.clone();
    }

    /** The matching public key (a copy), computed once. */
    byte[] publicKey(DhFunction dh) {
      byte[] pub = publicKey;
      if (pub == null) {
        pub = new byte[raw.length];
        byte[] scalar = rawCopy();
        try {
          dh.publicKey(scalar, pub);
        } finally {
          Arrays.fill(scalar, (byte) 0);
        }
        publicKey = pub;
      }
      return pub.clone();
    }

    byte[] rawCopy() {
      checkLive();
      return raw.clone();
    }

    private void checkLive() {
      if (destroyed) {
        throw new IllegalStateException("this private key was destroyed");
      }
    }

    @Override
    public java.util.Optional<byte[]> getScalar() {
      return java.util.Optional.of(rawCopy());
    }

    @Override
    public AlgorithmParameterSpec getParams() {
      return spec(curve);
    }

    @Override
    public String getAlgorithm() {
      return "XDH";
    }

    @Override
    public String getFormat() {
      return "PKCS#8";
    }

    @Override
    public byte[] getEncoded() {
      checkLive();
      return encodePkcs8(curve, raw);
    }

    /** Equal, in constant time, to any provider's private key with the same PKCS#8 encoding. */
    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof PrivateKey) || destroyed) {
        return false;
      }
      PrivateKey other = (PrivateKey) o;
      if (!"PKCS#8".equalsIgnoreCase(other.getFormat())) {
        return false;
      }
      byte[] mine = getEncoded();
      byte[] theirs = other.getEncoded();
      try {
        return theirs != null && java.security.MessageDigest.isEqual(mine, theirs);
      } finally {
        Arrays.fill(mine, (byte) 0);
        if (theirs != null) {
          Arrays.fill(theirs, (byte) 0);
        }
      }
    }

    /** Depends on the curve only: a hash of the secret would leak bits of it. */
    @Override
    public int hashCode() {
      return curve.hashCode();
    }

    private Object writeReplace() {
      return new KeyRep(KeyRep.Type.PRIVATE, "XDH", "PKCS#8", getEncoded());
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
      throw new java.io.InvalidObjectException("XDH keys are serialized as KeyRep");
    }

    @Override
    public void destroy() throws DestroyFailedException {
      Arrays.fill(raw, (byte) 0);
      destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }

    @Override
    public String toString() {
      return curve + " private key (secret not shown)";
    }
  }
}
