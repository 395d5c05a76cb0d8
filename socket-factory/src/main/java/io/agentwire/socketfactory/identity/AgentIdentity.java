package io.agentwire.socketfactory.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Set;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/**
 * An agent's long-term X25519 identity: the static key pair it proves itself with in Noise
 * handshakes. Stored as PKCS#8 PEM, the format of {@code openssl genpkey -algorithm X25519}, in a
 * file only its owner can read. Immutable until {@link #destroy()}; thread-safe.
 */
public final class AgentIdentity implements Destroyable {

  private static final long MAX_FILE = 16 * 1024;

  private final KeyPair keyPair;

  private AgentIdentity(KeyPair keyPair) {
    this.keyPair = keyPair;
  }

  /** A fresh identity. */
  public static AgentIdentity generate() {
    try {
      return new AgentIdentity(
          KeyPairGenerator.getInstance("X25519", AgentKeys.PROVIDER).generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the AgentWire provider lacks X25519", e);
    }
  }

  /** The identity in a PKCS#8 PEM private key (the public key is derived). */
  public static AgentIdentity fromPem(String pem) throws GeneralSecurityException {
    PrivateKey priv = AgentKeys.parsePrivateKeyPem(pem);
    return new AgentIdentity(new KeyPair(derivePublic(priv), priv));
  }

  /**
   * The identity of an X25519 private key from any provider (a KeyStore entry, for example).
   *
   * @throws GeneralSecurityException if it is not an X25519 private key
   */
  public static AgentIdentity of(PrivateKey privateKey) throws GeneralSecurityException {
    return fromPem(AgentKeys.toPem(privateKey));
  }

  /**
   * Reads a PEM private key file.
   *
   * @throws IOException if the file cannot be read or is implausibly large
   * @throws GeneralSecurityException if it holds no X25519 private key
   */
  public static AgentIdentity load(Path file) throws IOException, GeneralSecurityException {
    if (Files.size(file) > MAX_FILE) {
      throw new IOException(file + " is too large to be a key file");
    }
    return fromPem(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /**
   * Writes the private key as PKCS#8 PEM to a new file readable only by its owner (where the file
   * system has POSIX permissions).
   *
   * @throws FileAlreadyExistsException rather than overwrite an identity
   */
  public void save(Path file) throws IOException {
    byte[] pem = AgentKeys.toPem(keyPair.getPrivate()).getBytes(StandardCharsets.US_ASCII);
    try {
      boolean posix =
          file.toAbsolutePath().getParent() != null
              && Files.getFileStore(file.toAbsolutePath().getParent())
                  .supportsFileAttributeView("posix");
      if (posix) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
      } else {
        Files.write(file, pem, StandardOpenOption.CREATE_NEW);
      }
    } finally {
      java.util.Arrays.fill(pem, (byte) 0);
    }
  }

  private static PublicKey derivePublic(PrivateKey priv) throws GeneralSecurityException {
    javax.crypto.KeyAgreement ka =
        javax.crypto.KeyAgreement.getInstance("X25519", AgentKeys.PROVIDER);
    ka.init(priv);
    byte[] basePoint = new byte[32];
    basePoint[0] = 9; // u = 9 generates the group: DH with it yields the public key
    ka.doPhase(AgentKeys.fromRaw(basePoint), true);
    byte[] pub = ka.generateSecret();
    return AgentKeys.fromRaw(pub);
  }

  /** The key pair, for {@code NoiseHandshake.setLocalStaticKey}. */
  public KeyPair keyPair() {
    return keyPair;
  }

  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  /** See {@link AgentKeys#fingerprint}. */
  public String fingerprint() {
    return AgentKeys.fingerprint(keyPair.getPublic());
  }

  @Override
  public void destroy() throws DestroyFailedException {
    keyPair.getPrivate().destroy();
  }

  @Override
  public boolean isDestroyed() {
    return keyPair.getPrivate().isDestroyed();
  }

  @Override
  public String toString() {
    return "AgentIdentity[" + fingerprint() + "]";
  }
}
