package io.agentwire.socketfactory.internal;

import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.internal.protocol.Framing;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;

/**
 * The JSSE-visible settings of one AgentWire socket or server socket, with the {@link
 * SSLParameters} rules both share: suites are Noise names, the only protocol is AgentWire/1 (or
 * Noise in raw mode), need and want client auth exclude each other, and endpoint identification,
 * server names and ALPN values are kept as given. Thread-safe.
 */
final class SocketParameters {

  private final AgentSocketConfig config;
  private List<String> suites;
  private boolean needClientAuth;
  private boolean wantClientAuth;
  private String endpointIdentification;
  private List<SNIServerName> serverNames = Collections.emptyList();
  private Collection<SNIMatcher> sniMatchers = Collections.emptyList();
  private String[] applicationProtocols = new String[0];

  SocketParameters(AgentSocketConfig config, String endpointIdentification) {
    this.config = config;
    this.suites = config.cipherSuites();
    this.needClientAuth = !config.anonymousPeers();
    this.endpointIdentification = endpointIdentification;
  }

  /** A copy, for a socket accepted from a server socket. */
  synchronized SocketParameters copy(String identification) {
    SocketParameters c = new SocketParameters(config, identification);
    c.set(get());
    c.endpointIdentification = identification;
    return c;
  }

  /**
   * The protocol name the JSSE surface shows: the wire protocol, or the configuration's session
   * label ("TLSv1.3") for clients that know only TLS version names.
   */
  String protocol() {
    String label = config.sessionProtocolLabel();
    return label != null ? label : Framing.of(config).sessionProtocol();
  }

  /** {@code getSupportedProtocols()}: the wire protocols, and the label when one is set. */
  String[] supportedProtocols() {
    String label = config.sessionProtocolLabel();
    return label == null
        ? new String[] {AgentSessionImpl.PROTOCOL, AgentSessionImpl.RAW_PROTOCOL}
        : new String[] {label, AgentSessionImpl.PROTOCOL, AgentSessionImpl.RAW_PROTOCOL};
  }

  /** {@code getEnabledProtocols()}: the one protocol this configuration speaks. */
  String[] enabledProtocols() {
    return new String[] {protocol()};
  }

  /** {@code getSupportedCipherSuites()}: every suite this configuration could enable. */
  String[] supportedSuites() {
    return config.supportedSuites().toArray(new String[0]);
  }

  /** {@code getEnabledCipherSuites()}: the enabled suites, in order of preference. */
  String[] enabledSuites() {
    return suites().toArray(new String[0]);
  }

  synchronized List<String> suites() {
    return suites;
  }

  synchronized void setSuites(String[] names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("no cipher suites");
    }
    for (String s : names) {
      if (config.isRaw() && !config.cipherSuites().contains(s)) {
        throw new IllegalArgumentException(
            "raw mode runs only " + config.cipherSuites().get(0) + ", not " + s);
      }
      if (AgentSocketConfig.checkSuite(s, config.isRaw()).needsPsk() && !config.hasPsk()) {
        throw new IllegalArgumentException(s + " needs a PSK, and none is configured");
      }
    }
    suites = List.of(names);
  }

  void setProtocols(String[] protocols) {
    List<String> given = protocols == null ? List.of() : Arrays.asList(protocols);
    if (!given.contains(protocol()) && !given.contains(Framing.of(config).sessionProtocol())) {
      throw new IllegalArgumentException(
          "this socket speaks " + protocol() + "; enabled protocols must include it");
    }
  }

  synchronized void setNeedClientAuth(boolean need) {
    needClientAuth = need;
    wantClientAuth = false;
  }

  synchronized boolean needClientAuth() {
    return needClientAuth;
  }

  synchronized void setWantClientAuth(boolean want) {
    wantClientAuth = want;
    needClientAuth = false;
  }

  synchronized boolean wantClientAuth() {
    return wantClientAuth;
  }

  synchronized String endpointIdentification() {
    return endpointIdentification;
  }

  synchronized void setEndpointIdentification(String algorithm) {
    endpointIdentification = algorithm;
  }

  /** ALPN: the protocols set through {@code SSLParameters}, in preference order. */
  synchronized List<String> applicationProtocols() {
    return List.of(applicationProtocols);
  }

  synchronized void setApplicationProtocols(String[] protocols) {
    applicationProtocols = protocols.clone();
  }

  synchronized SSLParameters get() {
    SSLParameters p = new SSLParameters(suites.toArray(new String[0]), new String[] {protocol()});
    if (needClientAuth) {
      p.setNeedClientAuth(true);
    } else if (wantClientAuth) {
      p.setWantClientAuth(true);
    }
    p.setEndpointIdentificationAlgorithm(endpointIdentification);
    p.setServerNames(serverNames);
    p.setSNIMatchers(sniMatchers);
    p.setApplicationProtocols(applicationProtocols.clone());
    p.setUseCipherSuitesOrder(true);
    return p;
  }

  /** JSSE semantics: null suites, protocols, server names and matchers leave those unchanged. */
  synchronized void set(SSLParameters p) {
    if (p.getCipherSuites() != null) {
      setSuites(p.getCipherSuites());
    }
    if (p.getProtocols() != null) {
      setProtocols(p.getProtocols());
    }
    if (p.getNeedClientAuth()) {
      setNeedClientAuth(true);
    } else {
      setWantClientAuth(p.getWantClientAuth());
    }
    endpointIdentification = p.getEndpointIdentificationAlgorithm();
    if (p.getServerNames() != null) {
      serverNames = List.copyOf(p.getServerNames());
    }
    if (p.getSNIMatchers() != null) {
      sniMatchers = List.copyOf(p.getSNIMatchers());
    }
    applicationProtocols = p.getApplicationProtocols().clone();
  }
}
