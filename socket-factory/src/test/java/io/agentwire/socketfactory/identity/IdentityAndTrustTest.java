package io.agentwire.socketfactory.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.testsupport.ChildProcess;
import io.agentwire.testsupport.Openssl;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identities and pinned peers in the formats people already have, including openssl's. */
class IdentityAndTrustTest {

  @TempDir Path dir;

  private static String openssl(String stdin, String... args) throws Exception {
    ChildProcess p = Openssl.run(stdin, true, args);
    String out = p.out();
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void readsOpensslKeysAndOpensslReadsOurs() throws Exception {
    String priv = openssl(null, "genpkey", "-algorithm", "X25519");
    String pub = openssl(priv, "pkey", "-pubout");
    AgentIdentity id = AgentIdentity.fromPem(priv);
    assertEquals(
        AgentKeys.parsePublicKey(pub), id.publicKey(), "same public key as openssl derives");

    AgentIdentity ours = AgentIdentity.generate();
    Path file = dir.resolve("agent.pem");
    ours.save(file);
    String theirPub = openssl(Files.readString(file), "pkey", "-pubout");
    assertEquals(ours.publicKey(), AgentKeys.parsePublicKey(theirPub));
    assertEquals(AgentKeys.toPem(ours.publicKey()).strip(), theirPub.strip());
  }

  @Test
  void savedIdentitiesAreOwnerOnlyAndNeverOverwritten() throws Exception {
    AgentIdentity id = AgentIdentity.generate();
    Path file = dir.resolve("id.pem");
    id.save(file);
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    assertThrows(FileAlreadyExistsException.class, () -> AgentIdentity.generate().save(file));
    AgentIdentity back = AgentIdentity.load(file);
    assertEquals(id.publicKey(), back.publicKey());
    assertEquals(id.fingerprint(), back.fingerprint());
    // The loaded key really is the same secret: it agrees with a peer exactly as the original.
    AgentIdentity peer = AgentIdentity.generate();
    assertArrayEquals(agree(id, peer.publicKey()), agree(back, peer.publicKey()));
    assertFalse(
        id.toString().contains(Files.readString(file).split("\n")[1]), "no secret in toString");
  }

  private static byte[] agree(AgentIdentity id, PublicKey peer) throws Exception {
    KeyAgreement ka = KeyAgreement.getInstance("X25519", AgentKeys.PROVIDER);
    ka.init(id.keyPair().getPrivate());
    ka.doPhase(peer, true);
    return ka.generateSecret();
  }

  @Test
  void publicKeysParseFromEveryCommonForm() throws Exception {
    PublicKey key = AgentIdentity.generate().publicKey();
    byte[] raw = Base64.getDecoder().decode(AgentKeys.toBase64(key));
    assertEquals(32, raw.length);
    assertEquals(key, AgentKeys.parsePublicKey(AgentKeys.toPem(key)));
    assertEquals(key, AgentKeys.parsePublicKey(AgentKeys.toBase64(key)));
    assertEquals(key, AgentKeys.parsePublicKey(HexFormat.of().formatHex(raw)));
    assertEquals(
        key, AgentKeys.parsePublicKey(Base64.getEncoder().encodeToString(key.getEncoded())));
    assertTrue(AgentKeys.fingerprint(key).matches("SHA256:[A-Za-z0-9+/]{43}"));
    for (String bad :
        new String[] {
          "",
          "hello",
          "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
          "abcd",
          "-----BEGIN PUBLIC KEY-----",
          "x".repeat(20000),
          Base64.getEncoder().encodeToString(new byte[31])
        }) {
      assertThrows(InvalidKeySpecException.class, () -> AgentKeys.parsePublicKey(bad), bad);
    }
    assertThrows(InvalidKeySpecException.class, () -> AgentIdentity.fromPem(AgentKeys.toPem(key)));
  }

  @Test
  void pinnedKeysAreEnforcedAndChangesNameBothFingerprints() throws Exception {
    Path file = dir.resolve("known_agents");
    PublicKey alice = AgentIdentity.generate().publicKey();
    PublicKey mallory = AgentIdentity.generate().publicKey();
    PeerTrustStore strict = PeerTrustStore.open(file, false);
    PeerVerificationException unknown =
        assertThrows(PeerVerificationException.class, () -> strict.verify("alice.example", alice));
    assertTrue(unknown.getMessage().contains("alice.example"), unknown.getMessage());
    strict.pin("alice.example", alice);
    strict.verify("alice.example", alice);
    PeerVerificationException changed =
        assertThrows(
            PeerVerificationException.class, () -> strict.verify("alice.example", mallory));
    assertTrue(changed.getMessage().contains(AgentKeys.fingerprint(alice)), changed.getMessage());
    assertTrue(changed.getMessage().contains(AgentKeys.fingerprint(mallory)), changed.getMessage());
    assertEquals(alice, PeerTrustStore.open(file, false).pinned("alice.example").orElseThrow());
  }

  @Test
  void trustOnFirstUseRecordsTheKeyThenHoldsToIt() throws Exception {
    Path file = dir.resolve("tofu");
    PublicKey bob = AgentIdentity.generate().publicKey();
    PeerTrustStore tofu = PeerTrustStore.open(file, true);
    tofu.verify("bob:7000", bob);
    assertTrue(Files.readString(file).contains("bob:7000 " + AgentKeys.toBase64(bob)));
    PeerTrustStore reopened = PeerTrustStore.open(file, true);
    reopened.verify("bob:7000", bob);
    assertThrows(
        PeerVerificationException.class,
        () -> reopened.verify("bob:7000", AgentIdentity.generate().publicKey()));
  }

  @Test
  void aMalformedTrustStoreNamesTheLine() throws Exception {
    Path file = dir.resolve("bad");
    Files.writeString(
        file,
        "# comment\nalice " + AgentKeys.toBase64(AgentIdentity.generate().publicKey()) + "\nbob\n");
    IOException e = assertThrows(IOException.class, () -> PeerTrustStore.open(file, false));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }
}
