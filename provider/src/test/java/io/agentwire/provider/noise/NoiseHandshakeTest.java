package io.agentwire.provider.noise;

import static io.agentwire.provider.Agents.PROVIDER;
import static io.agentwire.provider.Agents.complete;
import static io.agentwire.provider.Agents.handshake;
import static io.agentwire.provider.Agents.keyPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.Agents;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/** The handshake object's contract: lifecycle, misuse, bad input, and what a user relies on. */
class NoiseHandshakeTest {

  private static final String XX = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  private NoiseHandshake[] xx() throws GeneralSecurityException {
    NoiseHandshake init = handshake(XX, NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake(XX, NoiseRole.RESPONDER);
    init.setLocalStaticKey(keyPair("X25519"));
    resp.setLocalStaticKey(keyPair("X25519"));
    return new NoiseHandshake[] {init, resp};
  }

  @Test
  void xxAuthenticatesBothStaticKeysAndAgreesOnTheHandshakeHash() throws Exception {
    KeyPair alice = keyPair("X25519");
    KeyPair bob = keyPair("X25519");
    NoiseHandshake init = handshake(XX, NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake(XX, NoiseRole.RESPONDER);
    init.setLocalStaticKey(alice);
    resp.setLocalStaticKey(bob);
    assertEquals(NoiseHandshake.Action.WRITE_MESSAGE, init.getAction());
    assertEquals(NoiseHandshake.Action.READ_MESSAGE, resp.getAction());
    resp.readMessage(init.writeMessage(new byte[0]));
    assertArrayEquals(HELLO, init.readMessage(resp.writeMessage(HELLO)));
    assertEquals(bob.getPublic(), init.getRemoteStaticKey().orElseThrow());
    assertArrayEquals(HELLO, resp.readMessage(init.writeMessage(HELLO)));
    assertEquals(alice.getPublic(), resp.getRemoteStaticKey().orElseThrow());
    assertTrue(init.isComplete() && resp.isComplete());
    assertArrayEquals(init.getHandshakeHash(), resp.getHandshakeHash());
    NoiseTransport a = init.split();
    NoiseTransport b = resp.split();
    assertArrayEquals(HELLO, b.decrypt(a.encrypt(HELLO)));
    assertArrayEquals(HELLO, a.decrypt(b.encrypt(HELLO)));
  }

  @Test
  void keysFromSunEcWorkAsStaticKeys() throws Exception {
    KeyPair sunEc = KeyPairGenerator.getInstance("X25519", "SunEC").generateKeyPair();
    NoiseHandshake init = handshake(XX, NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake(XX, NoiseRole.RESPONDER);
    init.setLocalStaticKey(sunEc);
    resp.setLocalStaticKey(keyPair("X25519"));
    complete(init, resp);
  }

  @Test
  void callsOutOfOrderFailWithAMessageThatSaysWhatToDo() throws Exception {
    NoiseHandshake[] p = xx();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> p[1].writeMessage(new byte[0]));
    assertTrue(e.getMessage().contains("should now read a message"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> p[0].readMessage(new byte[32]));
    assertTrue(e.getMessage().contains("should now write a message"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> p[0].split());
    assertThrows(IllegalStateException.class, () -> p[0].getHandshakeHash());
    NoiseHandshake noInit = NoiseHandshake.getInstance(XX, PROVIDER);
    e = assertThrows(IllegalStateException.class, () -> noInit.writeMessage(new byte[0]));
    assertTrue(e.getMessage().contains("init(role)"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> p[0].init(NoiseRole.RESPONDER));
  }

  @Test
  void configurationAfterTheFirstMessageIsRefused() throws Exception {
    NoiseHandshake[] p = xx();
    p[0].writeMessage(new byte[0]);
    assertThrows(IllegalStateException.class, () -> p[0].setPrologue(new byte[1]));
    assertThrows(IllegalStateException.class, () -> p[0].setLocalStaticKey(keyPair("X25519")));
  }

  @Test
  void missingKeysAreNamed() throws Exception {
    NoiseHandshake init = handshake(XX, NoiseRole.INITIATOR);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> init.writeMessage(new byte[0]));
    assertFalse(e.getMessage().isEmpty());
    NoiseHandshake ik = handshake("Noise_IK_25519_ChaChaPoly_BLAKE2s", NoiseRole.INITIATOR);
    ik.setLocalStaticKey(keyPair("X25519"));
    e = assertThrows(IllegalStateException.class, () -> ik.writeMessage(new byte[0]));
    assertTrue(e.getMessage().contains("setRemoteStaticKey"), e.getMessage());
    NoiseHandshake nn = handshake("Noise_NN_25519_ChaChaPoly_BLAKE2s", NoiseRole.INITIATOR);
    assertThrows(IllegalStateException.class, () -> nn.setLocalStaticKey(keyPair("X25519")));
    assertThrows(
        IllegalStateException.class, () -> nn.setRemoteStaticKey(keyPair("X25519").getPublic()));
    NoiseHandshake x448 = handshake("Noise_XX_448_ChaChaPoly_BLAKE2b", NoiseRole.INITIATOR);
    assertThrows(InvalidKeyException.class, () -> x448.setLocalStaticKey(keyPair("X25519")));
  }

  @Test
  void aPskIsSettableLateButMustBeThereWhenNeeded() throws Exception {
    String name = "Noise_NNpsk2_25519_ChaChaPoly_SHA256";
    NoiseHandshake init = handshake(name, NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake(name, NoiseRole.RESPONDER);
    byte[] psk = new byte[32];
    Arrays.fill(psk, (byte) 7);
    resp.readMessage(init.writeMessage(new byte[0]));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> resp.writeMessage(new byte[0]));
    assertTrue(e.getMessage().contains("psk2"), e.getMessage());
    resp.setPsk(2, psk);
    byte[] m2 = resp.writeMessage(HELLO);
    assertThrows(IllegalStateException.class, () -> init.readMessage(m2));
    init.setPsk(2, psk);
    assertArrayEquals(HELLO, init.readMessage(m2));
    assertThrows(IllegalArgumentException.class, () -> init.setPsk(1, psk));
    assertThrows(IllegalArgumentException.class, () -> resp.setPsk(2, new byte[31]));
  }

  @Test
  void aTamperedMessageFailsAndTheGenuineOneStillReads() throws Exception {
    NoiseHandshake[] p = xx();
    p[1].readMessage(p[0].writeMessage(new byte[0]));
    byte[] m2 = p[1].writeMessage(HELLO);
    for (int bit = 0; bit < m2.length * 8; bit += 7) {
      byte[] forged = m2.clone();
      forged[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(GeneralSecurityException.class, () -> p[0].readMessage(forged));
      assertEquals(NoiseHandshake.Action.READ_MESSAGE, p[0].getAction());
    }
    assertArrayEquals(HELLO, p[0].readMessage(m2));
    p[1].readMessage(p[0].writeMessage(new byte[0]));
    NoiseTransport a = p[0].split();
    NoiseTransport b = p[1].split();
    assertArrayEquals(HELLO, b.decrypt(a.encrypt(HELLO)));
  }

  @Test
  void truncatedExtendedAndOversizedMessagesAreRefused() throws Exception {
    NoiseHandshake[] p = xx();
    NoiseException e = assertThrows(NoiseException.class, () -> p[1].readMessage(new byte[31]));
    assertTrue(e.getMessage().contains("needs at least 32"), e.getMessage());
    assertEquals(NoiseException.Reason.MESSAGE_TOO_SHORT, e.reason());
    assertEquals(
        NoiseException.Reason.MESSAGE_TOO_LONG,
        assertThrows(NoiseException.class, () -> p[1].readMessage(new byte[65536])).reason());
    p[1].readMessage(p[0].writeMessage(new byte[0]));
    byte[] m2 = p[1].writeMessage(HELLO);
    assertEquals(
        NoiseException.Reason.MESSAGE_TOO_SHORT,
        assertThrows(NoiseException.class, () -> p[0].readMessage(Arrays.copyOf(m2, 95))).reason());
    assertThrows(
        AEADBadTagException.class, () -> p[0].readMessage(Arrays.copyOf(m2, m2.length + 1)));
    assertThrows(
        AEADBadTagException.class, () -> p[0].readMessage(Arrays.copyOf(m2, m2.length - 1)));
    assertArrayEquals(HELLO, p[0].readMessage(m2));
    assertThrows(IllegalArgumentException.class, () -> p[0].writeMessage(new byte[65535 - 64 + 1]));
  }

  @Test
  void reorderedAndReplayedMessagesAreRefused() throws Exception {
    NoiseHandshake[] p = xx();
    byte[] m1 = p[0].writeMessage(new byte[0]);
    p[1].readMessage(m1);
    byte[] m2 = p[1].writeMessage(new byte[0]);
    p[0].readMessage(m2);
    byte[] m3 = p[0].writeMessage(new byte[0]);
    // The responder expects m3; feeding it m1 again is a replay and fails.
    assertThrows(GeneralSecurityException.class, () -> p[1].readMessage(m1));
    p[1].readMessage(m3);
    NoiseTransport a = p[0].split();
    NoiseTransport b = p[1].split();
    byte[] t1 = a.encrypt(HELLO);
    byte[] t2 = a.encrypt(HELLO);
    assertThrows(AEADBadTagException.class, () -> b.decrypt(t2), "out of order");
    assertArrayEquals(HELLO, b.decrypt(t1));
    assertThrows(AEADBadTagException.class, () -> b.decrypt(t1), "replayed");
    assertArrayEquals(HELLO, b.decrypt(t2));
  }

  @Test
  void aRatchetStepNeedsTheSameSecretOnBothSidesAndLocksOutTheOldKey() throws Exception {
    NoiseHandshake[] p = xx();
    NoiseTransport[] t = Agents.complete(p[0], p[1]);
    assertArrayEquals(HELLO, t[1].decrypt(t[0].encrypt(HELLO)));
    byte[] secret = new byte[32];
    secret[0] = 42;
    t[0].dhStepSending(secret);
    assertEquals(0, t[0].sendingNonce(), "a fresh key starts its nonces again");
    byte[] afterStep = t[0].encrypt(HELLO);
    assertThrows(AEADBadTagException.class, () -> t[1].decrypt(afterStep), "old key");
    t[1].dhStepReceiving(secret);
    assertArrayEquals(HELLO, t[1].decrypt(afterStep));

    NoiseHandshake[] q = xx();
    NoiseTransport[] u = Agents.complete(q[0], q[1]);
    byte[] wrong = secret.clone();
    wrong[31] = 1;
    u[0].dhStepSending(secret);
    u[1].dhStepReceiving(wrong);
    byte[] sealed = u[0].encrypt(HELLO);
    assertThrows(AEADBadTagException.class, () -> u[1].decrypt(sealed), "wrong secret");
    assertThrows(IllegalArgumentException.class, () -> u[0].dhStepSending(new byte[0]));
  }

  @Test
  void aSmallOrderEphemeralFailsTheHandshakeCleanly() throws Exception {
    NoiseHandshake[] p = xx();
    p[0].writeMessage(new byte[0]);
    byte[] m2 = new byte[96]; // e = 0 (small order), then garbage
    InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> p[0].readMessage(m2));
    assertTrue(e.getMessage().contains("small order"), e.getMessage());
    // NN: the responder only learns the small-order e; its own DH (ee) then fails.
    NoiseHandshake nn = handshake("Noise_NN_25519_ChaChaPoly_SHA256", NoiseRole.RESPONDER);
    nn.readMessage(new byte[32]);
    assertThrows(InvalidKeyException.class, () -> nn.writeMessage(new byte[0]));
    assertEquals(NoiseHandshake.Action.DONE, nn.getAction());
  }

  @Test
  void afterSplitTheHandshakeRefusesEverything() throws Exception {
    NoiseHandshake[] p = xx();
    complete(p[0], p[1]);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> p[0].writeMessage(new byte[0]));
    assertTrue(e.getMessage().contains("split()"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> p[0].split());
  }

  @Test
  void oneWayPatternsOnlySendFromInitiatorToResponder() throws Exception {
    KeyPair bob = keyPair("X25519");
    NoiseHandshake init = handshake("Noise_N_25519_ChaChaPoly_BLAKE2s", NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake("Noise_N_25519_ChaChaPoly_BLAKE2s", NoiseRole.RESPONDER);
    init.setRemoteStaticKey(bob.getPublic());
    resp.setLocalStaticKey(bob);
    NoiseTransport[] t = complete(init, resp);
    assertArrayEquals(HELLO, t[1].decrypt(t[0].encrypt(HELLO)));
    assertThrows(IllegalStateException.class, () -> t[1].encrypt(HELLO));
    assertThrows(IllegalStateException.class, () -> t[0].decrypt(new byte[16]));
  }

  @Test
  void transportRekeyExplicitNoncesAndLimits() throws Exception {
    NoiseHandshake[] p = xx();
    NoiseTransport[] t = complete(p[0], p[1]);
    NoiseTransport a = t[0];
    NoiseTransport b = t[1];
    a.rekeySending();
    byte[] ct = a.encrypt(HELLO);
    assertThrows(AEADBadTagException.class, () -> b.decrypt(ct));
    assertEquals(0, b.receivingNonce(), "a failed decrypt does not advance the nonce");
    b.rekeyReceiving();
    assertArrayEquals(HELLO, b.decrypt(ct));
    byte[] out = new byte[HELLO.length + 16];
    byte[] back = new byte[HELLO.length];
    assertThrows(
        IllegalStateException.class,
        () -> a.encryptWithNonce(1000, null, HELLO, 0, HELLO.length, out, 0),
        "a direction that used counter nonces refuses explicit ones");
    assertThrows(IllegalArgumentException.class, () -> a.encrypt(new byte[65520]));
    assertEquals(
        NoiseException.Reason.MESSAGE_TOO_LONG,
        assertThrows(NoiseException.class, () -> b.decrypt(new byte[65536])).reason());
    assertEquals(
        NoiseException.Reason.MESSAGE_TOO_SHORT,
        assertThrows(NoiseException.class, () -> b.decrypt(new byte[15])).reason());
    byte[] ad = {1, 2};
    int n = a.encrypt(ad, HELLO, 0, HELLO.length, out, 0);
    assertThrows(AEADBadTagException.class, () -> b.decrypt(new byte[] {1, 3}, out, 0, n, back, 0));
    assertEquals(HELLO.length, b.decrypt(ad, out, 0, n, back, 0));
    a.destroy();
    assertTrue(a.isDestroyed());
    assertThrows(IllegalStateException.class, () -> a.encrypt(HELLO));
  }

  @Test
  void explicitNoncesServeOutOfOrderDeliveryAndNeverMixWithCounters() throws Exception {
    NoiseHandshake[] p = xx();
    NoiseTransport[] t = complete(p[0], p[1]);
    byte[] first = new byte[HELLO.length + 16];
    byte[] second = new byte[HELLO.length + 16];
    t[0].encryptWithNonce(7, null, HELLO, 0, HELLO.length, first, 0);
    t[0].encryptWithNonce(8, null, HELLO, 0, HELLO.length, second, 0);
    byte[] back = new byte[HELLO.length];
    t[1].decryptWithNonce(8, null, second, 0, second.length, back, 0);
    t[1].decryptWithNonce(7, null, first, 0, first.length, back, 0);
    assertArrayEquals(HELLO, back);
    assertThrows(IllegalStateException.class, () -> t[0].encrypt(HELLO), "no counters now");
    assertThrows(IllegalStateException.class, () -> t[1].decrypt(first));
    assertEquals(
        NoiseException.Reason.NONCE_EXHAUSTED,
        assertThrows(
                NoiseException.class,
                () -> t[0].encryptWithNonce(-1L, null, HELLO, 0, HELLO.length, first, 0),
                "nonce 2^64-1 is reserved")
            .reason());
    // Reusing an explicit nonce is the caller's bug; the JDK cipher catches it, and sending then
    // stays disabled rather than risk a second reuse.
    assertThrows(
        GeneralSecurityException.class,
        () -> t[0].encryptWithNonce(8, null, HELLO, 0, HELLO.length, first, 0));
    assertThrows(
        IllegalStateException.class,
        () -> t[0].encryptWithNonce(9, null, HELLO, 0, HELLO.length, first, 0));
  }

  @Test
  void aPayloadMayShareTheOutputBuffer() throws Exception {
    NoiseHandshake init = handshake("Noise_NN_25519_ChaChaPoly_SHA256", NoiseRole.INITIATOR);
    NoiseHandshake resp = handshake("Noise_NN_25519_ChaChaPoly_SHA256", NoiseRole.RESPONDER);
    byte[] buf = new byte[200];
    System.arraycopy(HELLO, 0, buf, 0, HELLO.length);
    int n = init.writeMessage(buf, 0, HELLO.length, buf, 0);
    assertArrayEquals(HELLO, resp.readMessage(Arrays.copyOf(buf, n)));
  }

  @Test
  void theMessageLengthCanBeAskedBeforeConfiguringEnds() throws Exception {
    NoiseHandshake init = handshake(XX, NoiseRole.INITIATOR);
    assertEquals(32 + 5, init.getMessageLength(5));
    init.setPrologue(new byte[] {1});
    assertThrows(IllegalArgumentException.class, () -> init.getMessageLength(70000));
  }

  @Test
  void fallbackNeedsTheRightPointInTheHandshake() throws Exception {
    NoiseHandshake[] p = xx();
    assertThrows(
        IllegalStateException.class,
        () -> p[0].fallback("Noise_XXfallback_25519_ChaChaPoly_BLAKE2s"),
        "nothing written yet");
    p[0].writeMessage(new byte[0]);
    assertThrows(
        GeneralSecurityException.class,
        () -> p[0].fallback("Noise_XX_25519_ChaChaPoly_BLAKE2s"),
        "not a fallback pattern");
    NoiseHandshake next = p[0].fallback("Noise_XXfallback_25519_ChaChaPoly_BLAKE2s");
    assertEquals(NoiseRole.RESPONDER, next.getRole());
    assertTrue(p[0].isDestroyed());
    // A responder that read the first message successfully has no reason to fall back.
    NoiseHandshake[] q = xx();
    q[1].readMessage(q[0].writeMessage(new byte[0]));
    assertThrows(
        IllegalStateException.class,
        () -> q[1].fallback("Noise_XXfallback_25519_ChaChaPoly_BLAKE2s"));
  }

  @Test
  void destroyWipesAndSecretsNeverPrint() throws Exception {
    KeyPair kp = keyPair("X25519");
    String hex =
        java.util.HexFormat.of()
            .formatHex(
                ((java.security.interfaces.XECPrivateKey) kp.getPrivate())
                    .getScalar()
                    .orElseThrow());
    assertFalse(kp.getPrivate().toString().contains(hex));
    NoiseHandshake[] p = xx();
    assertFalse(p[0].toString().contains(hex));
    p[0].destroy();
    assertTrue(p[0].isDestroyed());
    assertThrows(IllegalStateException.class, () -> p[0].writeMessage(new byte[0]));
    kp.getPrivate().destroy();
    assertTrue(kp.getPrivate().isDestroyed());
  }
}
