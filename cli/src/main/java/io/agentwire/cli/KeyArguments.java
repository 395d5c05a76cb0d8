package io.agentwire.cli;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.HexFormat;

/** Reading the key arguments every command shares. */
final class KeyArguments {

  private KeyArguments() {}

  /**
   * A public key given as 64 hex digits, base64 of the raw key or of SPKI DER, or a PEM file (a
   * public key, or a private key whose public key is meant).
   */
  static PublicKey publicKey(String text) {
    try {
      Path file = Path.of(text);
      if (text.length() < 512 && Files.isRegularFile(file)) {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("PRIVATE KEY")) {
          return AgentIdentity.fromPem(pem).publicKey();
        }
        return AgentKeys.parsePublicKey(pem);
      }
    } catch (java.nio.file.InvalidPathException | IOException | GeneralSecurityException e) {
      throw new Main.UsageError("cannot read the key file " + text + ": " + Errors.oneLine(e));
    }
    try {
      return AgentKeys.parsePublicKey(text);
    } catch (InvalidKeySpecException e) {
      throw new Main.UsageError(
          "not a key: '"
              + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
              + "' (give 64 hex digits, base64 or a PEM file)");
    }
  }

  static AgentIdentity identity(Path file) {
    try {
      return AgentIdentity.load(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new Main.UsageError(
          "no key file " + file + " (make one with: agentwire keygen -o " + file + ")");
    } catch (IOException | GeneralSecurityException e) {
      throw new Main.UsageError("cannot read the key file " + file + ": " + Errors.oneLine(e));
    }
  }

  static byte[] hex(String what, String text, int length) {
    byte[] b;
    try {
      b = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError(what + " must be hex digits");
    }
    if (length >= 0 && b.length != length) {
      throw new Main.UsageError(
          what + " must be " + length + " bytes (" + 2 * length + " hex digits)");
    }
    return b;
  }
}
