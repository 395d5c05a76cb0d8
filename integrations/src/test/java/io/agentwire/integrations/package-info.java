/**
 * Drop-in proofs: real Java HTTP and RPC stacks run end to end over a pluggable {@link
 * javax.net.ssl.SSLContext} on both the client and the server side.
 *
 * <p>Each stack's test class takes a {@link io.agentwire.integrations.TransportSecurity} (client
 * and server contexts, the hostname verifier and the host the client dials) and makes a real
 * request/response round trip: the JDK's {@code HttpsServer} and {@code HttpClient} (HTTP/1.1 and
 * h2), Jetty 12 server and client (HTTP/1.1 and h2), Apache HttpClient 5 classic and async against
 * httpcore5 servers, OkHttp, Netty's {@code SslHandler} over a {@code JdkSslContext}, and gRPC over
 * Netty. Each asserts what a user of that stack cares about: the status, the body echoed, the
 * negotiated application protocol, and that the server saw the client's authenticated identity (the
 * session's peer principal) where the stack exposes the session.
 *
 * <p>Every stack runs over each of {@link io.agentwire.integrations.TransportSecurity#all()}:
 * {@link io.agentwire.integrations.TlsSecurity}, the JDK's own TLS 1.3 with certificates made at
 * test time, which proves the harness; {@link io.agentwire.integrations.ForeignEngineTlsSecurity},
 * the same TLS behind a provider and an {@code SSLEngine} class that are not the JDK's, so that
 * code paths chosen by the engine's class (Jetty's ALPN, see {@link
 * io.agentwire.integrations.JettyAlpnForAnyEngine}) are the ones a third-party engine gets; and
 * {@link io.agentwire.integrations.AgentWireSecurity}, AgentWire itself. Where a stack cannot run
 * over a security at all, its test says why and is skipped (OkHttp over AgentWire's sockets, whose
 * enabled protocol is not a TLS version name). Where a stack insists on X.509 certificates the
 * harness configures it around them when {@link
 * io.agentwire.integrations.TransportSecurity#hasPeerCertificates()} or {@link
 * io.agentwire.integrations.TransportSecurity#serverCertificateNamesHost()} is false.
 */
package io.agentwire.integrations;
