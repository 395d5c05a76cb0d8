package io.agentwire.socketfactory.internal;

import io.agentwire.socketfactory.AgentSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * Accepts TCP connections and hands each back as an AgentWire server-mode socket. The handshake
 * runs on the accepted socket's first I/O (in the thread that serves it), so a slow or hostile
 * client never blocks {@link #accept()}, and any number of failed handshakes leave this socket
 * accepting. Thread-safe as {@link java.net.ServerSocket} is.
 */
public final class AgentServerSocketImpl extends SSLServerSocket {

  private final AgentSocketConfig config;
  private final SocketParameters parameters;
  private volatile boolean clientMode;
  private volatile boolean enableSessionCreation = true;

  public AgentServerSocketImpl(AgentSocketConfig config) throws IOException {
    super();
    this.config = config;
    this.parameters = new SocketParameters(config, null);
  }

  public AgentServerSocketImpl(AgentSocketConfig config, int port, int backlog, InetAddress address)
      throws IOException {
    super(port, backlog, address);
    this.config = config;
    this.parameters = new SocketParameters(config, null);
  }

  @Override
  public Socket accept() throws IOException {
    Socket plain = new Socket();
    implAccept(plain);
    AgentSocketImpl s = new AgentSocketImpl(config, plain, null, 0, false, true, clientMode);
    s.inherit(parameters);
    s.setEnableSessionCreation(enableSessionCreation);
    return s;
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return parameters.enabledSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    parameters.setSuites(suites);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return parameters.supportedSuites();
  }

  @Override
  public String[] getSupportedProtocols() {
    return parameters.supportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return parameters.enabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    parameters.setProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    parameters.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return parameters.needClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    parameters.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return parameters.wantClientAuth();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    clientMode = mode;
  }

  @Override
  public boolean getUseClientMode() {
    return clientMode;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    enableSessionCreation = flag;
  }

  @Override
  public boolean getEnableSessionCreation() {
    return enableSessionCreation;
  }

  @Override
  public SSLParameters getSSLParameters() {
    return parameters.get();
  }

  @Override
  public void setSSLParameters(SSLParameters p) {
    parameters.set(p);
  }

  @Override
  public String toString() {
    return "AgentServerSocket[" + getLocalSocketAddress() + ", " + parameters.suites() + "]";
  }
}
