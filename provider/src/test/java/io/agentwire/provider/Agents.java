package io.agentwire.provider;

import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;

/** Test fixtures: a provider instance, key pairs, and a helper to run handshakes. */
public final class Agents {

  public static final Provider PROVIDER = new AgentWireProvider();

  private Agents() {}

  public static KeyPair keyPair(String curve) throws GeneralSecurityException {
    return KeyPairGenerator.getInstance(curve, PROVIDER).generateKeyPair();
  }

  public static NoiseHandshake handshake(String name, NoiseRole role)
      throws GeneralSecurityException {
    NoiseHandshake hs = NoiseHandshake.getInstance(name, PROVIDER);
    hs.init(role);
    return hs;
  }

  /** Runs the handshake to completion, feeding every message straight across. */
  public static NoiseTransport[] complete(NoiseHandshake init, NoiseHandshake resp)
      throws GeneralSecurityException {
    while (!init.isComplete()) {
      NoiseHandshake writer = init.getAction() == NoiseHandshake.Action.WRITE_MESSAGE ? init : resp;
      NoiseHandshake reader = writer == init ? resp : init;
      reader.readMessage(writer.writeMessage(new byte[0]));
    }
    return new NoiseTransport[] {init.split(), resp.split()};
  }
}
