package io.agentwire.socketfactory;

import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.socketfactory.internal.AgentServerSocketImpl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Objects;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * Makes server sockets whose accepted connections speak AgentWire (see {@link AgentSocketFactory}).
 * By default the server requires clients to prove a static key its {@link PeerVerifier} accepts
 * ({@code needClientAuth}). Thread-safe.
 */
public final class AgentServerSocketFactory extends SSLServerSocketFactory {

  private static final int DEFAULT_BACKLOG = 50;

  private final AgentSocketConfig config;

  public AgentServerSocketFactory(AgentSocketConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public AgentSocketConfig config() {
    return config;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return config.cipherSuites().toArray(new String[0]);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return config.supportedSuites().toArray(new String[0]);
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new AgentServerSocketImpl(config);
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new AgentServerSocketImpl(config, port, DEFAULT_BACKLOG, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new AgentServerSocketImpl(config, port, backlog, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    return new AgentServerSocketImpl(config, port, backlog, address);
  }

  @Override
  public String toString() {
    return "AgentServerSocketFactory[" + config + "]";
  }
}
