package io.agentwire.socketfactory.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pinned peer keys by name, in a file in the manner of SSH's {@code known_hosts}: one {@code <name>
 * <base64 of the raw 32-byte X25519 key>} per line, {@code #} for comments. A name is a host name,
 * an address or any agent name; each name has one key.
 *
 * <p>As a {@link PeerVerifier} it accepts exactly the pinned key for a name. An unknown name is
 * refused, or with trust-on-first-use its key is pinned and written back (atomically, so a crash
 * never leaves a half-written file). A changed key is always refused, naming the peer and both
 * fingerprints. Thread-safe.
 */
public final class PeerTrustStore implements PeerVerifier {

  private static final long MAX_FILE = 4L * 1024 * 1024;

  /** Trust on first use stops here, so strangers cannot grow the file without bound. */
  public static final int MAX_ENTRIES = 10_000;

  private final Path file;
  private final boolean trustOnFirstUse;
  private final Map<String, PublicKey> pinned = new LinkedHashMap<>();

  private PeerTrustStore(Path file, boolean trustOnFirstUse) {
    this.file = file;
    this.trustOnFirstUse = trustOnFirstUse;
  }

  /** An empty store kept only in memory. */
  public static PeerTrustStore inMemory(boolean trustOnFirstUse) {
    return new PeerTrustStore(null, trustOnFirstUse);
  }

  /**
   * The store in {@code file}; a missing file is an empty store, created on the first pin.
   *
   * @throws IOException naming the line of any malformed entry
   */
  public static PeerTrustStore open(Path file, boolean trustOnFirstUse) throws IOException {
    PeerTrustStore store = new PeerTrustStore(file, trustOnFirstUse);
    if (Files.exists(file)) {
      if (Files.size(file) > MAX_FILE) {
        throw new IOException(file + " is too large for a trust store");
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        if (parts.length != 2) {
          throw new IOException(
              file + " line " + (i + 1) + ": expected '<name> <base64 X25519 key>'");
        }
        try {
          store.pinned.put(normalize(parts[0]), AgentKeys.parsePublicKey(parts[1]));
        } catch (InvalidKeySpecException e) {
          throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
    }
    return store;
  }

  /** The key pinned for {@code name}. */
  public synchronized Optional<PublicKey> pinned(String name) {
    return Optional.ofNullable(pinned.get(normalize(name)));
  }

  /** Pins {@code key} for {@code name}, replacing any earlier key, and saves the file. */
  public synchronized void pin(String name, PublicKey key) throws IOException {
    if (name.isEmpty() || name.matches(".*[\\s#].*")) {
      throw new IllegalArgumentException("a peer name has no spaces or '#': '" + name + "'");
    }
    pinned.put(normalize(name), key);
    save();
  }

  /** The name {@code key} is pinned under, if any. */
  public synchronized Optional<String> nameOf(PublicKey key) {
    byte[] raw = AgentKeys.raw(key);
    String found = null;
    // Look at every entry so the time taken does not depend on where the key is.
    for (Map.Entry<String, PublicKey> e : pinned.entrySet()) {
      if (MessageDigest.isEqual(raw, AgentKeys.raw(e.getValue())) && found == null) {
        found = e.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public Optional<PublicKey> knownKey(String peer) {
    return peer == null ? Optional.empty() : pinned(peer);
  }

  /**
   * With a name: accepts exactly the key pinned for it (or, with trust-on-first-use, pins an
   * unknown name's key). Without a name: accepts a key pinned under any name (or, with
   * trust-on-first-use, pins an unknown key under {@code agent-<fingerprint>}).
   */
  @Override
  public synchronized String verify(String peer, PublicKey key) throws PeerVerificationException {
    if (peer == null) {
      Optional<String> name = nameOf(key);
      if (name.isPresent()) {
        return name.get();
      }
      if (!trustOnFirstUse) {
        throw new PeerVerificationException(
            "the peer's key " + AgentKeys.fingerprint(key) + " is not pinned under any name");
      }
      String generated = "agent-" + AgentKeys.fingerprint(key).substring(7).replace('/', '_');
      recordFirstUse(generated, key);
      return generated;
    }
    peer = normalize(peer);
    PublicKey expected = pinned.get(peer);
    if (expected == null) {
      if (!trustOnFirstUse) {
        throw new PeerVerificationException(
            "no key is pinned for " + peer + "; it presented " + AgentKeys.fingerprint(key));
      }
      recordFirstUse(peer, key);
      return peer;
    }
    if (!MessageDigest.isEqual(AgentKeys.raw(expected), AgentKeys.raw(key))) {
      throw new PeerVerificationException(
          "the key of "
              + peer
              + " has changed: pinned "
              + AgentKeys.fingerprint(expected)
              + ", presented "
              + AgentKeys.fingerprint(key)
              + "; if the change is expected, pin the new key");
    }
    return peer;
  }

  private void recordFirstUse(String name, PublicKey key) throws PeerVerificationException {
    if (pinned.size() >= MAX_ENTRIES) {
      throw new PeerVerificationException(
          "trust on first use is full ("
              + MAX_ENTRIES
              + " keys); refusing "
              + AgentKeys.fingerprint(key)
              + " for "
              + name
              + ": pin keys explicitly");
    }
    try {
      pin(name, key);
    } catch (IOException e) {
      PeerVerificationException failure =
          new PeerVerificationException(
              "could not record the key of " + name + " for trust on first use");
      failure.initCause(e);
      throw failure;
    }
  }

  /**
   * Host names compare as DNS does: without case, without a trailing dot, internationalized names
   * in their ASCII form. Other agent names are only lower-cased.
   */
  static String normalize(String name) {
    String n = name.strip();
    while (n.endsWith(".") && n.length() > 1) {
      n = n.substring(0, n.length() - 1);
    }
    try {
      n = java.net.IDN.toASCII(n, java.net.IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      // not a host name; keep it as given
    }
    return n.toLowerCase(java.util.Locale.ROOT);
  }

  private void save() throws IOException {
    if (file == null) {
      return;
    }
    StringBuilder sb = new StringBuilder("# AgentWire pinned peer keys: <name> <X25519 key>\n");
    for (Map.Entry<String, PublicKey> e : pinned.entrySet()) {
      sb.append(e.getKey()).append(' ').append(AgentKeys.toBase64(e.getValue())).append('\n');
    }
    if (sb.length() > MAX_FILE) {
      throw new IOException(file + " would exceed " + MAX_FILE + " bytes");
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".agentwire-trust", ".tmp");
    try {
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
