package io.agentwire.testsupport;

/**
 * One Noise endpoint driven by a test, message by message: AgentWire's engine, noise-java ({@link
 * NoiseJavaPeer}) or the reference {@link MiniNoise}, so that any two can be run against each
 * other.
 */
public interface NoisePeer {

  /** Whether this side writes the next handshake message. */
  boolean writesNext();

  /** Whether the handshake is over (the next step is split). */
  boolean isComplete();

  byte[] write(byte[] payload) throws Exception;

  /** Reads a handshake message and returns its payload. */
  byte[] read(byte[] message) throws Exception;

  byte[] handshakeHash();

  /** The peer's static public key as this side knows it, or null; valid before {@link #split()}. */
  byte[] remoteStatic();

  void split() throws Exception;

  byte[] encrypt(byte[] plaintext) throws Exception;

  byte[] decrypt(byte[] ciphertext) throws Exception;
}
