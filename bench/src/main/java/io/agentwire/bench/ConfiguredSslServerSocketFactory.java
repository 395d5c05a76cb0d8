package io.agentwire.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;

/**
 * An {@link SSLServerSocketFactory} whose every server socket gets the same {@link SSLParameters}
 * (protocols, cipher suites, required client authentication), which the sockets it accepts inherit.
 */
final class ConfiguredSslServerSocketFactory extends SSLServerSocketFactory {

  private final SSLServerSocketFactory delegate;
  private final SSLParameters parameters;

  ConfiguredSslServerSocketFactory(SSLServerSocketFactory delegate, SSLParameters parameters) {
    this.delegate = delegate;
    this.parameters = parameters;
  }

  private ServerSocket configure(ServerSocket socket) {
    ((SSLServerSocket) socket).setSSLParameters(parameters);
    return socket;
  }

  @Override
  public String[] getDefaultCipherSuites() {
    String[] suites = parameters.getCipherSuites();
    return suites != null ? suites : delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return configure(delegate.createServerSocket());
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return configure(delegate.createServerSocket(port));
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return configure(delegate.createServerSocket(port, backlog));
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress)
      throws IOException {
    return configure(delegate.createServerSocket(port, backlog, ifAddress));
  }
}
