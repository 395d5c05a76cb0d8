package io.agentwire.bench;

import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.security.KeyPair;
import java.security.Provider;

/** A complete in-memory XX handshake between two AgentWire parties, reusing two buffers. */
final class InMemory {

  private InMemory() {}

  static NoiseTransport xx(
      Provider provider, String protocol, KeyPair alice, KeyPair bob, byte[] a, byte[] b)
      throws Exception {
    NoiseHandshake i = NoiseHandshake.getInstance(protocol, provider);
    NoiseHandshake r = NoiseHandshake.getInstance(protocol, provider);
    i.init(NoiseRole.INITIATOR);
    r.init(NoiseRole.RESPONDER);
    i.setLocalStaticKey(alice);
    r.setLocalStaticKey(bob);
    int n = i.writeMessage(a, 0, 0, b, 0);
    r.readMessage(b, 0, n, a, 0);
    n = r.writeMessage(a, 0, 0, b, 0);
    i.readMessage(b, 0, n, a, 0);
    n = i.writeMessage(a, 0, 0, b, 0);
    r.readMessage(b, 0, n, a, 0);
    r.split();
    return i.split();
  }
}
