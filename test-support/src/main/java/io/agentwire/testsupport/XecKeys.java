package io.agentwire.testsupport;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.List;

/**
 * X25519 and X448 keys between the JDK's {@link XECPublicKey} and the RFC 7748 little-endian
 * encoding Noise and the ratchets put on the wire, through the JDK alone.
 */
public final class XecKeys {

  /**
   * X25519 points of small order and non-canonical encodings of them (little-endian u), which every
   * implementation must refuse or agree on.
   */
  public static final List<byte[]> X25519_SMALL_ORDER =
      Bytes.hexList(
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000000",
          "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
          "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000080");

  private XecKeys() {}

  /** The RFC 7748 encoding of an X25519 or X448 public key (32 or 56 bytes). */
  public static byte[] littleEndian(PublicKey key) {
    XECPublicKey x = (XECPublicKey) key;
    int length = ((NamedParameterSpec) x.getParams()).getName().equalsIgnoreCase("X448") ? 56 : 32;
    byte[] be = x.getU().toByteArray();
    byte[] le = new byte[length];
    for (int i = 0; i < length && i < be.length; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  /**
   * The JDK public key whose RFC 7748 encoding is {@code littleEndianU} (32 bytes: X25519, 56:
   * X448). For X25519 the top bit is masked, as RFC 7748 says a receiver does.
   */
  public static PublicKey publicKey(byte[] littleEndianU) throws GeneralSecurityException {
    int length = littleEndianU.length;
    byte[] be = new byte[length];
    for (int i = 0; i < length; i++) {
      be[i] = littleEndianU[length - 1 - i];
    }
    NamedParameterSpec curve;
    if (length == 32) {
      be[0] &= 0x7f;
      curve = NamedParameterSpec.X25519;
    } else if (length == 56) {
      curve = NamedParameterSpec.X448;
    } else {
      throw new IllegalArgumentException("an X25519 or X448 key is 32 or 56 bytes: " + length);
    }
    return KeyFactory.getInstance("XDH")
        .generatePublic(new XECPublicKeySpec(curve, new BigInteger(1, be)));
  }
}
