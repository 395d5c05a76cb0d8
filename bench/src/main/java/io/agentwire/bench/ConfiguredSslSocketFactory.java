package io.agentwire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An {@link SSLSocketFactory} whose every socket gets the same {@link SSLParameters} (protocols,
 * cipher suites, client authentication) before its handshake, since an {@code SSLContext} alone
 * cannot restrict what its sockets enable.
 */
final class ConfiguredSslSocketFactory extends SSLSocketFactory {

  private final SSLSocketFactory delegate;
  private final SSLParameters parameters;

  ConfiguredSslSocketFactory(SSLSocketFactory delegate, SSLParameters parameters) {
    this.delegate = delegate;
    this.parameters = parameters;
  }

  private Socket configure(Socket socket) {
    ((SSLSocket) socket).setSSLParameters(parameters);
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
  public Socket createSocket() throws IOException {
    return configure(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return configure(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return configure(delegate.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    return configure(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    return configure(delegate.createSocket(s, consumed, autoClose));
  }
}
