package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.noise.NoiseTransport;

/**
 * Copies one direction's raw cipher state (key, next nonce, AEAD) out of a live transport: what an
 * attacker who reads the process's memory gets, for tests of forward secrecy and break-in recovery.
 * Production code has no way to export a key; this test helper reaches the state through the
 * package's own accessors, and other modules' tests get it from the provider's test-jar.
 */
public final class TransportKeys {

  private TransportKeys() {}

  /** A copy of one direction's cipher state. */
  public record Copy(byte[] key, long nonce, Primitive cipher) {}

  /** Copies the sending ({@code true}) or receiving state of an AgentWire transport. */
  public static Copy copy(NoiseTransport transport, boolean sending) {
    TransportEngine engine = (TransportEngine) transport;
    CipherState state = sending ? engine.sender() : engine.receiver();
    return new Copy(state.keyCopy(), state.nonce(), state.cipher());
  }
}
