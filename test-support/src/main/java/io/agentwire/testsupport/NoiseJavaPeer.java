package io.agentwire.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.southernstorm.noise.protocol.CipherState;
import com.southernstorm.noise.protocol.CipherStatePair;
import com.southernstorm.noise.protocol.DHState;
import com.southernstorm.noise.protocol.HandshakeState;
import java.util.Arrays;

/**
 * noise-java (revision 30, an implementation independent of AgentWire) as a {@link NoisePeer}, for
 * every protocol without PSK (PSK handling changed after revision 30: see {@link MiniNoise}).
 */
public final class NoiseJavaPeer implements NoisePeer {

  private final HandshakeState hs;
  private CipherStatePair pair;

  private NoiseJavaPeer(HandshakeState hs) {
    this.hs = hs;
  }

  /**
   * A started handshake.
   *
   * @param localStatic the raw private static key, or null when the pattern gives this side none
   * @param remoteStatic the peer's raw public static key when known in advance, or null
   * @param ephemeral a fixed raw private ephemeral key, or null for a random one
   */
  public static NoiseJavaPeer create(
      String protocol,
      boolean initiator,
      byte[] prologue,
      byte[] localStatic,
      byte[] remoteStatic,
      byte[] ephemeral)
      throws Exception {
    HandshakeState hs =
        new HandshakeState(
            protocol, initiator ? HandshakeState.INITIATOR : HandshakeState.RESPONDER);
    hs.setPrologue(prologue, 0, prologue.length);
    if (localStatic != null) {
      hs.getLocalKeyPair().setPrivateKey(localStatic, 0);
    }
    if (remoteStatic != null) {
      hs.getRemotePublicKey().setPublicKey(remoteStatic, 0);
    }
    if (ephemeral != null) {
      hs.getFixedEphemeralKey().setPrivateKey(ephemeral, 0);
    }
    assertEquals(
        localStatic != null,
        hs.needsLocalKeyPair() || hs.hasLocalKeyPair(),
        protocol + ": noise-java and the test agree whether this side has a static key");
    hs.start();
    return new NoiseJavaPeer(hs);
  }

  @Override
  public boolean writesNext() {
    return hs.getAction() == HandshakeState.WRITE_MESSAGE;
  }

  @Override
  public boolean isComplete() {
    int a = hs.getAction();
    return a == HandshakeState.SPLIT || a == HandshakeState.COMPLETE;
  }

  @Override
  public byte[] write(byte[] payload) throws Exception {
    byte[] out = new byte[payload.length + 512];
    int n = hs.writeMessage(out, 0, payload, 0, payload.length);
    return Arrays.copyOf(out, n);
  }

  @Override
  public byte[] read(byte[] message) throws Exception {
    byte[] out = new byte[message.length];
    int n = hs.readMessage(message, 0, message.length, out, 0);
    return Arrays.copyOf(out, n);
  }

  @Override
  public byte[] handshakeHash() {
    return hs.getHandshakeHash();
  }

  @Override
  public byte[] remoteStatic() {
    DHState r = hs.getRemotePublicKey();
    if (r == null || !r.hasPublicKey()) {
      return null;
    }
    byte[] pub = new byte[r.getPublicKeyLength()];
    r.getPublicKey(pub, 0);
    return pub;
  }

  @Override
  public void split() {
    pair = hs.split();
  }

  @Override
  public byte[] encrypt(byte[] plaintext) throws Exception {
    CipherState c = pair.getSender();
    byte[] out = new byte[plaintext.length + c.getMACLength()];
    int n = c.encryptWithAd(null, plaintext, 0, out, 0, plaintext.length);
    return Arrays.copyOf(out, n);
  }

  @Override
  public byte[] decrypt(byte[] ciphertext) throws Exception {
    CipherState c = pair.getReceiver();
    byte[] out = new byte[ciphertext.length];
    int n = c.decryptWithAd(null, ciphertext, 0, out, 0, ciphertext.length);
    return Arrays.copyOf(out, n);
  }
}
