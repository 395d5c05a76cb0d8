package io.agentwire.conformance;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.NoiseHandshake;
import io.agentwire.provider.NoiseRole;
import io.agentwire.provider.NoiseTransport;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Security;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;

/**
 * Two agents in one process: first contact with Noise XX, a reconnect with IK once each has pinned
 * the other's key, messages both ways, a rekey, and a tampered message rejected.
 */
public final class Demo {

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Security.addProvider(new AgentWireProvider());
    KeyPair alice = KeyPairGenerator.getInstance("X25519", "SunEC").generateKeyPair();
    KeyPair bob = KeyPairGenerator.getInstance("X25519", "AgentWire").generateKeyPair();
    System.out.println("alice identity (made by SunEC):     " + fingerprint(alice.getPublic()));
    System.out.println("bob identity (made by AgentWire):   " + fingerprint(bob.getPublic()));

    String xx = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
    long t0 = System.nanoTime();
    NoiseHandshake a = NoiseHandshake.getInstance(xx);
    NoiseHandshake b = NoiseHandshake.getInstance(xx);
    a.init(NoiseRole.INITIATOR);
    b.init(NoiseRole.RESPONDER);
    a.setLocalStaticKey(alice);
    b.setLocalStaticKey(bob);
    b.readMessage(a.writeMessage(new byte[0]));
    a.readMessage(b.writeMessage(new byte[0]));
    b.readMessage(a.writeMessage(new byte[0]));
    PublicKey bobAsSeen = a.getRemoteStaticKey().orElseThrow();
    PublicKey aliceAsSeen = b.getRemoteStaticKey().orElseThrow();
    NoiseTransport at = a.split();
    NoiseTransport bt = b.split();
    step("XX first contact (3 messages, mutual authentication)", t0);
    System.out.println("  alice sees bob as   " + fingerprint(bobAsSeen) + " (pinned)");
    System.out.println("  bob sees alice as   " + fingerprint(aliceAsSeen) + " (pinned)");
    System.out.println("  channel binding     " + HexFormat.of().formatHex(at.handshakeHash()));

    talk(at, bt, "alice -> bob", "hello bob, this is alice");
    talk(bt, at, "bob -> alice", "hello alice, bob here");

    t0 = System.nanoTime();
    at.rekeySending();
    bt.rekeyReceiving();
    talk(at, bt, "after rekey", "same channel, fresh key");
    step("rekey (Noise section 11.3)", t0);

    byte[] genuine = at.encrypt("transfer 10 credits".getBytes(StandardCharsets.UTF_8));
    byte[] forged = genuine.clone();
    forged[3] ^= 0x01; // an attacker on the path flips one bit
    try {
      bt.decrypt(forged);
      throw new AssertionError("a tampered message was accepted");
    } catch (AEADBadTagException e) {
      System.out.println("tampered message rejected: " + e.getClass().getSimpleName());
    }
    System.out.println(
        "  the genuine message still arrives:  \""
            + new String(bt.decrypt(genuine), StandardCharsets.UTF_8)
            + "\"");

    String ik = "Noise_IK_25519_ChaChaPoly_BLAKE2s";
    t0 = System.nanoTime();
    NoiseHandshake a2 = NoiseHandshake.getInstance(ik);
    NoiseHandshake b2 = NoiseHandshake.getInstance(ik);
    a2.init(NoiseRole.INITIATOR);
    b2.init(NoiseRole.RESPONDER);
    a2.setLocalStaticKey(alice);
    a2.setRemoteStaticKey(bobAsSeen);
    b2.setLocalStaticKey(bob);
    b2.readMessage(a2.writeMessage(new byte[0]));
    a2.readMessage(b2.writeMessage(new byte[0]));
    boolean sameAlice = b2.getRemoteStaticKey().orElseThrow().equals(aliceAsSeen);
    NoiseTransport at2 = a2.split();
    NoiseTransport bt2 = b2.split();
    step("IK reconnect with the pinned key (1 round trip)", t0);
    System.out.println("  bob recognises alice: " + sameAlice);
    talk(at2, bt2, "alice -> bob", "back again");

    System.out.println();
    System.out.println(
        "summary: 2 handshakes, 6 messages, 1 rekey, 1 forgery rejected; backends "
            + AgentWireProvider.backends());
  }

  private static void talk(NoiseTransport from, NoiseTransport to, String label, String text)
      throws GeneralSecurityException {
    byte[] ct = from.encrypt(text.getBytes(StandardCharsets.UTF_8));
    String got = new String(to.decrypt(ct), StandardCharsets.UTF_8);
    System.out.printf("  %-22s %-36s (%d bytes on the wire)%n", label, '"' + got + '"', ct.length);
  }

  private static void step(String what, long startNanos) {
    System.out.printf("%s: %.2f ms%n", what, (System.nanoTime() - startNanos) / 1e6);
  }

  private static String fingerprint(PublicKey key) throws GeneralSecurityException {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    return "SHA256:" + HexFormat.of().formatHex(d, 0, 12);
  }
}
