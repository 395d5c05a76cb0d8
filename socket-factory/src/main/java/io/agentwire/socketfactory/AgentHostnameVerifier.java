package io.agentwire.socketfactory;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;

/**
 * A {@link HostnameVerifier} for AgentWire sessions: accepts a session only when the peer's key was
 * verified for exactly that host name (endpoint identification on). AgentWire sockets check this
 * themselves by default, so this is only needed where an application installs its own endpoint
 * identification algorithm and then asks a HostnameVerifier. Stateless and thread-safe.
 */
public final class AgentHostnameVerifier implements HostnameVerifier {

  public static final AgentHostnameVerifier INSTANCE = new AgentHostnameVerifier();

  private AgentHostnameVerifier() {}

  @Override
  public boolean verify(String hostname, SSLSession session) {
    if (!(session instanceof AgentSession) || !session.isValid()) {
      return false;
    }
    return ((AgentSession) session)
        .peer()
        .map(p -> p.getName().equalsIgnoreCase(hostname))
        .orElse(false);
  }
}
