package io.agentwire.mls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An MLS credential (RFC 9420 §5.3): what a member claims to be. Either a {@linkplain #basic basic}
 * credential (opaque identity bytes, authenticated out of band by the caller's {@link MlsPolicy})
 * or an {@linkplain #x509 X.509} credential (a DER certificate chain, leaf first, whose leaf key
 * must be the member's signature key). Which identity a credential proves, and whether it is
 * acceptable at all, is always the {@link MlsPolicy}'s decision.
 *
 * <p>Immutable and thread-safe; accessors return copies.
 */
public final class Credential {

  /** The credential type {@code basic} (RFC 9420 §17.5). */
  public static final int BASIC = 1;

  /** The credential type {@code x509} (RFC 9420 §17.5). */
  public static final int X509 = 2;

  private final int type;
  private final byte[] identity;
  private final List<byte[]> certificates;

  private Credential(int type, byte[] identity, List<byte[]> certificates) {
    this.type = type;
    this.identity = identity;
    this.certificates = certificates;
  }

  /** A basic credential carrying {@code identity} (for example an agent id in UTF-8). */
  public static Credential basic(byte[] identity) {
    Objects.requireNonNull(identity, "identity");
    return new Credential(BASIC, identity.clone(), List.of());
  }

  /** An X.509 credential: DER certificates, the end-entity certificate first (§5.3.1). */
  public static Credential x509(List<byte[]> derChain) {
    Objects.requireNonNull(derChain, "derChain");
    if (derChain.isEmpty()) {
      throw new IllegalArgumentException("an X.509 credential needs at least one certificate");
    }
    List<byte[]> copy = new ArrayList<>();
    for (byte[] c : derChain) {
      copy.add(Objects.requireNonNull(c, "certificate").clone());
    }
    return new Credential(X509, new byte[0], Collections.unmodifiableList(copy));
  }

  /**
   * A credential of another registered type, as received from the wire; the caller's policy decides
   * whether it means anything.
   */
  public static Credential of(int type, byte[] identity, List<byte[]> certificates) {
    if (type == BASIC) {
      return basic(identity);
    }
    if (type == X509) {
      return x509(certificates);
    }
    return new Credential(type, identity == null ? new byte[0] : identity.clone(), List.of());
  }

  /** The credential type: {@link #BASIC}, {@link #X509} or another registered value. */
  public int type() {
    return type;
  }

  /** The identity bytes of a basic credential (empty for X.509). */
  public byte[] identity() {
    return identity.clone();
  }

  /** The DER certificate chain of an X.509 credential, leaf first (empty for basic). */
  public List<byte[]> certificates() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] c : certificates) {
      out.add(c.clone());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Credential)) {
      return false;
    }
    Credential c = (Credential) o;
    if (type != c.type || !Arrays.equals(identity, c.identity)) {
      return false;
    }
    if (certificates.size() != c.certificates.size()) {
      return false;
    }
    for (int i = 0; i < certificates.size(); i++) {
      if (!Arrays.equals(certificates.get(i), c.certificates.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 31 * type + Arrays.hashCode(identity);
    for (byte[] c : certificates) {
      h = 31 * h + Arrays.hashCode(c);
    }
    return h;
  }

  @Override
  public String toString() {
    if (type == BASIC) {
      return "Credential[basic "
          + new String(identity, java.nio.charset.StandardCharsets.UTF_8)
          + "]";
    }
    if (type == X509) {
      return "Credential[x509, " + certificates.size() + " certificates]";
    }
    return "Credential[type " + type + "]";
  }
}
