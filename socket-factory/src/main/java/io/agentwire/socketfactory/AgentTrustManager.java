package io.agentwire.socketfactory;

import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.util.Objects;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;

/**
 * Carries the decision about peer keys into {@code SSLContext.init}: the AgentWire counterpart of
 * an X509TrustManager. Wraps a {@link PeerVerifier} (a {@link PeerTrustStore}, a callback, ...).
 * Pass it directly or to {@code TrustManagerFactory.getInstance("AgentWire").init(...)}. Immutable
 * and thread-safe.
 */
public final class AgentTrustManager implements TrustManager, ManagerFactoryParameters {

  private final PeerVerifier verifier;
  private final boolean anonymousPeers;

  private AgentTrustManager(PeerVerifier verifier, boolean anonymousPeers) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.anonymousPeers = anonymousPeers;
  }

  public static AgentTrustManager of(PeerVerifier verifier) {
    return new AgentTrustManager(verifier, false);
  }

  /** Also accepts peers that have no static key (NN, NK, ...): see {@link AgentSocketConfig}. */
  public static AgentTrustManager allowingAnonymous(PeerVerifier verifier) {
    return new AgentTrustManager(verifier, true);
  }

  public PeerVerifier verifier() {
    return verifier;
  }

  public boolean anonymousPeers() {
    return anonymousPeers;
  }

  @Override
  public String toString() {
    return "AgentTrustManager[" + verifier + "]";
  }
}
