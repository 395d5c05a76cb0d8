package io.agentwire.provider.noise;

import io.agentwire.provider.internal.EngineLookup;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A Noise handshake (the HandshakeState of Noise revision 34, section 5.3) as a JCA engine class,
 * in the manner of {@link javax.crypto.KeyAgreement}.
 *
 * <pre>{@code
 * NoiseHandshake hs = NoiseHandshake.getInstance("Noise_XX_25519_ChaChaPoly_BLAKE2s");
 * hs.init(NoiseRole.INITIATOR);
 * hs.setLocalStaticKey(myKeyPair);
 * byte[] m1 = hs.writeMessage(new byte[0]);      // -> e
 * byte[] p2 = hs.readMessage(m2);                // <- e, ee, s, es
 * byte[] m3 = hs.writeMessage(payload);          // -> s, se
 * NoiseTransport transport = hs.split();
 * }</pre>
 *
 * <p>Lifecycle: {@link #init} first; then keys, prologue and PSKs (a PSK may be set late, until the
 * message that uses it); then {@link #writeMessage}/{@link #readMessage} in the order {@link
 * #getAction()} says; on completion {@link #split()} yields the transport, after which this object
 * refuses further calls. Calls out of order throw {@link IllegalStateException} naming what was
 * expected. A message that fails to read leaves the handshake exactly as it was, so the genuine
 * message can still be read. Keys passed in may come from any provider (SunEC, BouncyCastle,
 * AgentWire).
 *
 * <p>Not thread-safe.
 */
public final class NoiseHandshake {

  /** The JCA service type under which providers register Noise handshakes. */
  public static final String SERVICE_TYPE = "NoiseHandshake";

  /** What the handshake expects next. */
  public enum Action {
    /** This party writes the next handshake message. */
    WRITE_MESSAGE,
    /** This party reads the next handshake message. */
    READ_MESSAGE,
    /** The handshake is complete; call {@link #split()}. */
    SPLIT,
    /** The transport was taken or the handshake destroyed; nothing more can be done. */
    DONE
  }

  private final NoiseHandshakeSpi spi;
  private final Provider provider;

  private NoiseHandshake(NoiseHandshakeSpi spi, Provider provider) {
    this.spi = spi;
    this.provider = provider;
  }

  /**
   * A handshake for {@code protocolName} from the most preferred installed provider that supports
   * it.
   *
   * @throws NoSuchAlgorithmException if the name is invalid (the message says which part) or no
   *     installed provider supports it
   */
  public static NoiseHandshake getInstance(String protocolName) throws NoSuchAlgorithmException {
    Objects.requireNonNull(protocolName, "protocolName");
    EngineLookup.Found<NoiseHandshakeSpi> found =
        EngineLookup.installed(SERVICE_TYPE, protocolName, NoiseHandshakeSpi.class);
    if (found != null) {
      return new NoiseHandshake(found.spi(), found.provider());
    }
    NoiseProtocol.parse(protocolName); // throws with the reason when the name itself is wrong
    throw new NoSuchAlgorithmException(
        protocolName
            + " is a valid Noise protocol but no installed provider offers it;"
            + " register one with Security.addProvider(new AgentWireProvider())");
  }

  /** A handshake for {@code protocolName} from the installed provider named {@code provider}. */
  public static NoiseHandshake getInstance(String protocolName, String provider)
      throws NoSuchAlgorithmException, NoSuchProviderException {
    return getInstance(protocolName, EngineLookup.installedProvider(provider));
  }

  /** A handshake for {@code protocolName} from {@code provider}, installed or not. */
  public static NoiseHandshake getInstance(String protocolName, Provider provider)
      throws NoSuchAlgorithmException {
    Objects.requireNonNull(protocolName, "protocolName");
    Objects.requireNonNull(provider, "provider");
    NoiseHandshakeSpi spi =
        EngineLookup.fromProvider(provider, SERVICE_TYPE, protocolName, NoiseHandshakeSpi.class);
    if (spi == null) {
      NoiseProtocol.parse(protocolName);
      throw new NoSuchAlgorithmException(
          "provider " + provider.getName() + " does not offer " + protocolName);
    }
    return new NoiseHandshake(spi, provider);
  }

  /** The protocol name this handshake runs. */
  public String getProtocolName() {
    return spi.engineGetProtocol().name();
  }

  /** The parsed protocol. */
  public NoiseProtocol getProtocol() {
    return spi.engineGetProtocol();
  }

  /** The provider of this handshake. */
  public Provider getProvider() {
    return provider;
  }

  /** Chooses the role; must be called once, before anything else. */
  public void init(NoiseRole role) {
    spi.engineInit(Objects.requireNonNull(role, "role"));
  }

  /** The role given to {@link #init}, or after a fallback the swapped one. */
  public NoiseRole getRole() {
    return spi.engineGetRole();
  }

  /** Sets the prologue (section 6), empty by default; before the first message. */
  public void setPrologue(byte[] prologue) {
    spi.engineSetPrologue(Objects.requireNonNull(prologue, "prologue").clone());
  }

  /** Sets this party's static key pair; the public half is recomputed from the private one. */
  public void setLocalStaticKey(KeyPair keyPair) throws InvalidKeyException {
    spi.engineSetLocalStaticKey(Objects.requireNonNull(keyPair, "keyPair"));
  }

  /** Sets this party's static key from its private half. */
  public void setLocalStaticKey(PrivateKey privateKey) throws InvalidKeyException {
    spi.engineSetLocalStaticKey(Objects.requireNonNull(privateKey, "privateKey"));
  }

  /** Sets the peer's static public key, for patterns that know it in advance (NK, IK, KK, ...). */
  public void setRemoteStaticKey(PublicKey publicKey) throws InvalidKeyException {
    spi.engineSetRemoteStaticKey(Objects.requireNonNull(publicKey, "publicKey"));
  }

  /**
   * Sets the 32-byte pre-shared key of modifier {@code psk<position>} (section 9), any time before
   * the message that uses it.
   */
  public void setPsk(int position, byte[] psk) {
    spi.engineSetPsk(position, Objects.requireNonNull(psk, "psk").clone());
  }

  /**
   * Fixes the ephemeral key instead of generating one. For test vectors only: reusing an ephemeral
   * key destroys the security of Noise.
   */
  public void setEphemeralKeyForTesting(PrivateKey privateKey) throws InvalidKeyException {
    spi.engineSetEphemeralKeyForTesting(Objects.requireNonNull(privateKey, "privateKey"));
  }

  /** Writes the next handshake message carrying {@code payload}. */
  public byte[] writeMessage(byte[] payload) throws GeneralSecurityException {
    Objects.requireNonNull(payload, "payload");
    byte[] out = new byte[spi.engineGetMessageLength(payload.length)];
    int n = spi.engineWriteMessage(payload, 0, payload.length, out, 0);
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /**
   * Writes the next handshake message into {@code out}.
   *
   * @return the message length
   * @throws IllegalArgumentException if the message would exceed 65535 bytes or {@code out} is too
   *     small; {@code payload} may lie anywhere in {@code out}, overlapping or not
   * @throws IndexOutOfBoundsException if offset and length do not fit {@code payload}
   */
  public int writeMessage(byte[] payload, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    Objects.checkFromIndexSize(offset, length, payload.length);
    Objects.requireNonNull(out, "out");
    return spi.engineWriteMessage(payload, offset, length, out, outOffset);
  }

  /** The length of the next message this party writes for a payload of {@code payloadLength}. */
  public int getMessageLength(int payloadLength) {
    return spi.engineGetMessageLength(payloadLength);
  }

  /**
   * Reads the next handshake message and returns its payload.
   *
   * @throws NoiseException if the message has the wrong length
   * @throws javax.crypto.AEADBadTagException if it is not authentic
   * @throws InvalidKeyException if it carries an unusable public key (small order)
   */
  public byte[] readMessage(byte[] message) throws GeneralSecurityException {
    Objects.requireNonNull(message, "message");
    // Never allocate more than a Noise message; an oversized one is refused below.
    byte[] out = new byte[Math.min(message.length, NoiseTransport.MAX_MESSAGE)];
    int n = spi.engineReadMessage(message, 0, message.length, out, 0);
    return java.util.Arrays.copyOf(out, n);
  }

  /** Reads the next handshake message; writes the payload into {@code out}, returns its length. */
  public int readMessage(byte[] message, int offset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    Objects.checkFromIndexSize(offset, length, message.length);
    Objects.requireNonNull(out, "out");
    return spi.engineReadMessage(message, offset, length, out, outOffset);
  }

  /** What this party does next. */
  public Action getAction() {
    return spi.engineGetAction();
  }

  /** Whether every handshake message has been written or read. */
  public boolean isComplete() {
    Action a = spi.engineGetAction();
    return a == Action.SPLIT || a == Action.DONE;
  }

  /** The handshake hash h (section 11.2, channel binding); only once complete. */
  public byte[] getHandshakeHash() {
    return spi.engineGetHandshakeHash();
  }

  /** The peer's static public key once known: pre-shared, or read from a handshake message. */
  public Optional<PublicKey> getRemoteStaticKey() {
    return spi.engineGetRemoteStaticKey();
  }

  /**
   * Ends the handshake and returns the transport (Split(), section 5.2). This object then refuses
   * every handshake call.
   */
  public NoiseTransport split() throws GeneralSecurityException {
    return spi.engineSplit();
  }

  /**
   * Starts a fallback handshake (section 10.2, Noise Pipes section 10.4) after the first message of
   * this one failed: for the initiator, once it learns the responder could not read it; for the
   * responder, after {@link #readMessage} of that message failed. The new handshake keeps the
   * ephemeral key of the first message, the local static key and the prologue; its roles are
   * swapped. This object is then done.
   *
   * @param fallbackProtocolName for example {@code Noise_XXfallback_25519_ChaChaPoly_BLAKE2s}
   */
  public NoiseHandshake fallback(String fallbackProtocolName) throws GeneralSecurityException {
    NoiseProtocol target = NoiseProtocol.parse(fallbackProtocolName);
    return new NoiseHandshake(spi.engineFallback(target), provider);
  }

  /** Wipes every secret this handshake holds; later calls fail. */
  public void destroy() {
    spi.engineDestroy();
  }

  public boolean isDestroyed() {
    return spi.engineIsDestroyed();
  }

  @Override
  public String toString() {
    return "NoiseHandshake[" + getProtocolName() + ", " + getAction() + "]";
  }
}
