package io.agentwire.socketfactory;

import io.agentwire.socketfactory.internal.AgentSocketImpl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * Makes client sockets that speak AgentWire: mutually authenticated, forward-secret Noise channels
 * (revision 34) behind the {@link SSLSocketFactory} interface, so code that takes a socket factory
 * needs no other change. Every {@code createSocket} form works, including the unconnected one and
 * the layered one over an existing socket. Sockets start their handshake on first I/O or {@code
 * startHandshake()}; by default they check that the server's key is the one pinned for the host
 * they connected to: endpoint identification is on by default (as {@code "HTTPS"}, which AgentWire
 * treats like any other non-null algorithm), and setting it to {@code null} accepts any trusted
 * key. Thread-safe.
 */
public final class AgentSocketFactory extends SSLSocketFactory {

  private final AgentSocketConfig config;

  public AgentSocketFactory(AgentSocketConfig config) {
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
  public Socket createSocket() {
    return new AgentSocketImpl(config, new Socket(), null, 0, false, true, true);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connect(host, new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connect(
        host, new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connect(null, new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connect(
        null, new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private Socket connect(String host, InetSocketAddress remote, InetSocketAddress local)
      throws IOException {
    Socket plain = new Socket();
    try {
      if (local != null) {
        plain.bind(local);
      }
      plain.connect(remote);
    } catch (IOException e) {
      plain.close();
      throw e;
    }
    String name = host != null ? host : remote.getAddress().getHostAddress();
    return new AgentSocketImpl(config, plain, name, remote.getPort(), false, true, true);
  }

  /** A client socket over {@code s}, already connected; closing it closes {@code s} if asked. */
  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    if (!s.isConnected()) {
      throw new java.net.SocketException("the underlying socket is not connected");
    }
    String name = host != null ? host : s.getInetAddress().getHostAddress();
    return new AgentSocketImpl(config, s, name, port, true, autoClose, true);
  }

  /**
   * A server-mode socket over {@code s}, whose first bytes {@code consumed} were already read from
   * it (for servers that sniff the protocol before choosing a handler).
   */
  @Override
  public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
    if (!s.isConnected()) {
      throw new java.net.SocketException("the underlying socket is not connected");
    }
    AgentSocketImpl socket = new AgentSocketImpl(config, s, null, 0, true, autoClose, false);
    if (consumed != null) {
      socket.setConsumedInput(consumed.readAllBytes());
    }
    return socket;
  }

  @Override
  public String toString() {
    return "AgentSocketFactory[" + config + "]";
  }
}
