package io.agentwire.socketfactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * Accepts TCP connections and hands each back as an AgentWire server-mode socket. The handshake
 * runs on the accepted socket's first I/O (in the thread that serves it), so a slow or hostile
 * client never blocks {@link #accept()}, and any number of failed handshakes leave this socket
 * accepting. Thread-safe as {@link java.net.ServerSocket} is.
 */
final class AgentServerSocketImpl extends SSLServerSocket {

  private final AgentSocketConfig config;
  private volatile List<String> enabledSuites;
  private volatile boolean needClientAuth;
  private volatile boolean wantClientAuth;
  private volatile boolean clientMode;
  private volatile boolean enableSessionCreation = true;
  private volatile SSLParameters extra = new SSLParameters();

  AgentServerSocketImpl(AgentSocketConfig config) throws IOException {
    super();
    this.config = config;
    this.enabledSuites = config.cipherSuites();
    this.needClientAuth = !config.anonymousPeers();
  }

  AgentServerSocketImpl(AgentSocketConfig config, int port, int backlog, InetAddress address)
      throws IOException {
    super(port, backlog, address);
    this.config = config;
    this.enabledSuites = config.cipherSuites();
    this.needClientAuth = !config.anonymousPeers();
  }

  @Override
  public Socket accept() throws IOException {
    Socket plain = new Socket();
    implAccept(plain);
    AgentSocketImpl s = new AgentSocketImpl(config, plain, null, 0, false, true, clientMode);
    s.setEnabledCipherSuites(enabledSuites.toArray(new String[0]));
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(extra.getServerNames());
    p.setSNIMatchers(extra.getSNIMatchers());
    p.setApplicationProtocols(extra.getApplicationProtocols());
    if (needClientAuth) {
      p.setNeedClientAuth(true);
    } else {
      p.setWantClientAuth(wantClientAuth);
      p.setNeedClientAuth(false);
    }
    s.setSSLParameters(p);
    s.setEnableSessionCreation(enableSessionCreation);
    return s;
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return enabledSuites.toArray(new String[0]);
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    enabledSuites = AgentSocketImpl.validateSuites(config, suites);
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return config.isRaw()
        ? config.cipherSuites().toArray(new String[0])
        : Suites.SUPPORTED.toArray(new String[0]);
  }

  @Override
  public String[] getSupportedProtocols() {
    return new String[] {AgentSessionImpl.PROTOCOL, AgentSessionImpl.RAW_PROTOCOL};
  }

  @Override
  public String[] getEnabledProtocols() {
    return new String[] {protocol()};
  }

  private String protocol() {
    return config.isRaw() ? AgentSessionImpl.RAW_PROTOCOL : AgentSessionImpl.PROTOCOL;
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    if (protocols == null || !Arrays.asList(protocols).contains(protocol())) {
      throw new IllegalArgumentException(
          "this socket speaks " + protocol() + "; enabled protocols must include it");
    }
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    needClientAuth = need;
    wantClientAuth = false;
  }

  @Override
  public boolean getNeedClientAuth() {
    return needClientAuth;
  }

  @Override
  public void setWantClientAuth(boolean want) {
    wantClientAuth = want;
    needClientAuth = false;
  }

  @Override
  public boolean getWantClientAuth() {
    return wantClientAuth;
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
    SSLParameters p = new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
    if (needClientAuth) {
      p.setNeedClientAuth(true);
    } else if (wantClientAuth) {
      p.setWantClientAuth(true);
    }
    SSLParameters e = extra;
    p.setEndpointIdentificationAlgorithm(e.getEndpointIdentificationAlgorithm());
    p.setServerNames(e.getServerNames());
    p.setSNIMatchers(e.getSNIMatchers());
    p.setApplicationProtocols(e.getApplicationProtocols());
    p.setUseCipherSuitesOrder(true);
    return p;
  }

  @Override
  public void setSSLParameters(SSLParameters p) {
    if (p.getCipherSuites() != null) {
      setEnabledCipherSuites(p.getCipherSuites());
    }
    if (p.getProtocols() != null) {
      setEnabledProtocols(p.getProtocols());
    }
    if (p.getNeedClientAuth()) {
      setNeedClientAuth(true);
    } else {
      setWantClientAuth(p.getWantClientAuth());
    }
    SSLParameters e = new SSLParameters();
    e.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
    e.setServerNames(p.getServerNames() != null ? p.getServerNames() : extra.getServerNames());
    e.setSNIMatchers(p.getSNIMatchers() != null ? p.getSNIMatchers() : extra.getSNIMatchers());
    e.setApplicationProtocols(p.getApplicationProtocols());
    extra = e;
  }

  @Override
  public String toString() {
    return "AgentServerSocket[" + getLocalSocketAddress() + ", " + enabledSuites + "]";
  }
}
