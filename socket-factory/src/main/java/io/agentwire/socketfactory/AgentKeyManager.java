package io.agentwire.socketfactory;

import io.agentwire.socketfactory.identity.AgentIdentity;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.ManagerFactoryParameters;

/**
 * Carries an agent's identity into {@code SSLContext.init}: the AgentWire counterpart of an
 * X509KeyManager. Pass it directly ({@code ctx.init(new KeyManager[] {AgentKeyManager.of(id)},
 * ...)}) or to {@code KeyManagerFactory.getInstance("AgentWire").init(...)}, which also reads an
 * X25519 private key from a {@code KeyStore}. Immutable and thread-safe.
 */
public final class AgentKeyManager implements KeyManager, ManagerFactoryParameters {

  private final AgentIdentity identity;

  private AgentKeyManager(AgentIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  public static AgentKeyManager of(AgentIdentity identity) {
    return new AgentKeyManager(identity);
  }

  public AgentIdentity identity() {
    return identity;
  }

  @Override
  public String toString() {
    return "AgentKeyManager[" + identity.fingerprint() + "]";
  }
}
