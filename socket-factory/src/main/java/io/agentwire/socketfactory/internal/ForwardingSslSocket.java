package io.agentwire.socketfactory.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The part of an {@link SSLSocket} that carries no AgentWire behaviour: the plain {@link Socket}
 * surface (addresses, ports, binding, connection state and socket options) passed straight to the
 * TCP socket underneath ({@link #delegate()}), and the JSSE settings (cipher suites, protocols,
 * client authentication, {@link SSLParameters}) kept in a {@link SocketParameters}. A subclass
 * supplies both, and overrides whatever needs AgentWire semantics: I/O, the handshake, closing,
 * shutdown, timeouts, client mode, and anything that would bypass encryption.
 *
 * <p>Thread-safe as far as what it forwards to is: the methods here keep no state of their own
 * except the volatile session-creation flag, and the delegate socket and {@link SocketParameters}
 * are each safe to call from any thread.
 */
abstract class ForwardingSslSocket extends SSLSocket {

  private volatile boolean enableSessionCreation = true;

  /** The TCP socket underneath; the same object for the socket's whole life. */
  abstract Socket delegate();

  /** This socket's JSSE settings; the same object for the socket's whole life. */
  abstract SocketParameters parameters();

  // ------------------------------------------------------------------- JSSE settings

  @Override
  public String[] getSupportedCipherSuites() {
    return parameters().supportedSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return parameters().enabledSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    parameters().setSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return parameters().supportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return parameters().enabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    parameters().setProtocols(protocols);
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    parameters().setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return parameters().needClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    parameters().setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return parameters().wantClientAuth();
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
    return parameters().get();
  }

  @Override
  public void setSSLParameters(SSLParameters p) {
    parameters().set(p);
  }

  // ------------------------------------------------------------------ plain Socket surface

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    delegate().bind(bindpoint);
  }

  @Override
  public InetAddress getInetAddress() {
    return delegate().getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return delegate().getLocalAddress();
  }

  @Override
  public int getPort() {
    return delegate().getPort();
  }

  @Override
  public int getLocalPort() {
    return delegate().getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return delegate().getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return delegate().getLocalSocketAddress();
  }

  @Override
  public boolean isConnected() {
    return delegate().isConnected();
  }

  @Override
  public boolean isBound() {
    return delegate().isBound();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    delegate().setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return delegate().getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    delegate().setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return delegate().getSoLinger();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    delegate().setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return delegate().getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    delegate().setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return delegate().getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    delegate().setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return delegate().getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    delegate().setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return delegate().getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    delegate().setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return delegate().getReuseAddress();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    delegate().setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  /** Sets the option on the TCP socket underneath, and returns this socket, not that one. */
  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    delegate().setOption(name, value);
    return this;
  }

  @Override
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return delegate().getOption(name);
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return delegate().supportedOptions();
  }
}
