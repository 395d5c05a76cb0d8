package io.agentwire.mls;

import java.util.Arrays;
import java.util.Objects;

/**
 * A KeyPackage (RFC 9420 §10) together with its private parts: the HPKE {@code init_key} private
 * key a Welcome is encrypted to and the leaf's {@code encryption_key} private key. Publish {@link
 * #keyPackage()} (an MLSMessage) to the delivery service; keep the bundle (in memory, or {@link
 * #toBytes() encoded} in a caller's {@link KeyPackageStore}) until the Welcome arrives; use it
 * once. {@link #reference()} is its {@code KeyPackageRef} (§5.2).
 *
 * <p>Immutable and thread-safe; {@link #destroy()} wipes the private keys.
 */
public final class KeyPackageBundle {

  private static final int FORMAT = 1;

  private final CipherSuite suite;
  private final byte[] keyPackage;
  private final byte[] reference;
  private final byte[] initPrivateKey;
  private final byte[] encryptionPrivateKey;

  /**
   * A bundle from its parts. {@code keyPackage} is the MLSMessage (or bare KeyPackage) encoding;
   * {@code reference} its KeyPackageRef. Callers normally get bundles from {@link
   * Mls#createKeyPackage(MlsIdentity)} or {@link #fromBytes(byte[])}.
   */
  public KeyPackageBundle(
      CipherSuite suite,
      byte[] keyPackage,
      byte[] reference,
      byte[] initPrivateKey,
      byte[] encryptionPrivateKey) {
    this.suite = Objects.requireNonNull(suite, "suite");
    this.keyPackage = keyPackage.clone();
    this.reference = reference.clone();
    this.initPrivateKey = initPrivateKey.clone();
    this.encryptionPrivateKey = encryptionPrivateKey.clone();
  }

  /** The cipher suite. */
  public CipherSuite cipherSuite() {
    return suite;
  }

  /** The KeyPackage as an MLSMessage ({@code mls_key_package}), ready to publish. */
  public byte[] keyPackage() {
    return keyPackage.clone();
  }

  /** The KeyPackageRef: RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) (§5.2). */
  public byte[] reference() {
    return reference.clone();
  }

  /** A copy of the HPKE private key for {@code init_key}. */
  public byte[] initPrivateKey() {
    return initPrivateKey.clone();
  }

  /** A copy of the HPKE private key for the leaf's {@code encryption_key}. */
  public byte[] encryptionPrivateKey() {
    return encryptionPrivateKey.clone();
  }

  /**
   * This bundle in a versioned format (contains private keys: store it as secret), for {@link
   * #fromBytes(byte[])}.
   */
  public byte[] toBytes() {
    io.agentwire.mls.internal.codec.TlsWriter w = new io.agentwire.mls.internal.codec.TlsWriter();
    w.u16(FORMAT).u16(suite.id());
    w.opaque(keyPackage).opaque(reference).opaque(initPrivateKey).opaque(encryptionPrivateKey);
    return w.toByteArray();
  }

  /** Decodes {@link #toBytes()}; {@link MlsException.Reason#MALFORMED} on anything else. */
  public static KeyPackageBundle fromBytes(byte[] encoded) throws MlsException {
    io.agentwire.mls.internal.codec.TlsReader r =
        new io.agentwire.mls.internal.codec.TlsReader(encoded);
    int format = r.u16();
    if (format != FORMAT) {
      throw new MlsException(MlsException.Reason.UNSUPPORTED, "KeyPackageBundle format " + format);
    }
    int id = r.u16();
    CipherSuite s =
        CipherSuite.fromId(id)
            .orElseThrow(
                () -> new MlsException(MlsException.Reason.UNSUPPORTED, "cipher suite " + id));
    KeyPackageBundle b = new KeyPackageBundle(s, r.opaque(), r.opaque(), r.opaque(), r.opaque());
    r.finish("KeyPackageBundle");
    return b;
  }

  /** Overwrites the private keys with zeros. */
  public void destroy() {
    Arrays.fill(initPrivateKey, (byte) 0);
    Arrays.fill(encryptionPrivateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "KeyPackageBundle[" + suite + ", private keys hidden]";
  }
}
