package io.agentwire.bench;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetSession;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Double Ratchet message, encrypted by one party and decrypted by the other, per operation:
 *
 * <ul>
 *   <li>{@code oneWay}: the same party keeps sending, so each message is a symmetric chain step
 *       (KDF_CK, then the profile's per-message keys and cipher).
 *   <li>{@code turnTaking}: the parties alternate, so every message also costs a DH ratchet step (a
 *       key pair and two X25519 agreements on receipt, KDF_RK twice).
 * </ul>
 *
 * The {@code noise-transport} rows are what an application would use for a live connection instead:
 * AgentWire's Noise transport encrypting and decrypting the same message, and for {@code
 * turnTaking} also a fresh JCA X25519 key pair, an agreement and a re-key of both directions per
 * message (the socket's DH step, done on every message).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RatchetBench {

  static final String NOISE_TRANSPORT = "noise-transport";

  @Param({
    DoubleRatchet.DEFAULT_PROFILE,
    DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
    DoubleRatchet.SIGNAL_V3_PROFILE,
    NOISE_TRANSPORT
  })
  public String impl;

  @Param({"64", "1024"})
  public int size;

  private static final Provider PROVIDER = new AgentWireProvider();
  private byte[] payload;
  private RatchetSession alice;
  private RatchetSession bob;
  private NoiseTransport initiator;
  private NoiseTransport responder;
  private KeyPairGenerator x25519;
  private KeyPair peer;
  private boolean aliceTurn = true;

  @Setup
  public void setup() throws Exception {
    payload = new byte[size];
    new SecureRandom().nextBytes(payload);
    x25519 = KeyPairGenerator.getInstance("X25519", PROVIDER);
    peer = x25519.generateKeyPair();
    if (impl.equals(NOISE_TRANSPORT)) {
      String name = "Noise_NN_25519_ChaChaPoly_SHA256";
      NoiseHandshake i = NoiseHandshake.getInstance(name, PROVIDER);
      NoiseHandshake r = NoiseHandshake.getInstance(name, PROVIDER);
      i.init(NoiseRole.INITIATOR);
      r.init(NoiseRole.RESPONDER);
      r.readMessage(i.writeMessage(new byte[0]));
      i.readMessage(r.writeMessage(new byte[0]));
      initiator = i.split();
      responder = r.split();
      return;
    }
    DoubleRatchet dr = DoubleRatchet.getInstance(impl, PROVIDER);
    byte[] secret = new byte[dr.sharedSecretLength()];
    new SecureRandom().nextBytes(secret);
    byte[] ad = new byte[66];
    ad[0] = 5;
    ad[33] = 5;
    alice = dr.initInitiator(secret, peer.getPublic(), ad);
    bob = dr.initResponder(secret, peer, ad);
    bob.decrypt(alice.encrypt(payload));
  }

  @Benchmark
  public byte[] oneWay() throws Exception {
    if (initiator != null) {
      return responder.decrypt(initiator.encrypt(payload));
    }
    return bob.decrypt(alice.encrypt(payload));
  }

  @Benchmark
  public byte[] turnTaking() throws Exception {
    if (initiator != null) {
      KeyPair fresh = x25519.generateKeyPair();
      KeyAgreement ka = KeyAgreement.getInstance("X25519", PROVIDER);
      ka.init(fresh.getPrivate());
      ka.doPhase(peer.getPublic(), true);
      byte[] shared = ka.generateSecret();
      initiator.dhStepSending(shared);
      responder.dhStepReceiving(shared);
      return responder.decrypt(initiator.encrypt(payload));
    }
    aliceTurn = !aliceTurn;
    return aliceTurn ? bob.decrypt(alice.encrypt(payload)) : alice.decrypt(bob.encrypt(payload));
  }
}
