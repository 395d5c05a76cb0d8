package io.agentwire.bench;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Two TLS 1.3 peers for benchmarks, built in memory: a server and a client, each with its own P-256
 * key and self-signed certificate, each trusting only the other's certificate, with mutual
 * authentication required. Everything is the JDK's own (SunJSSE, SunEC, PKIX); only TLS 1.3 is
 * enabled, optionally with a single cipher suite.
 *
 * <p>Without resumption, every connection is a full handshake: both session contexts get a session
 * lifetime above the seven days RFC 8446 (4.6.1) allows a ticket, so the server issues no
 * NewSessionTicket and the client would discard one, leaving no pre-shared key to resume with; the
 * client's session cache holds a single session so that the sessions it still records at the end of
 * each handshake do not pile up. {@link #verifyFullHandshakes} proves it afterwards by counting the
 * certificate chains each side's trust manager accepted, which a resumed handshake never sends.
 */
public final class TlsPeers implements SocketStack, EngineStack {

  /** Longer than any ticket may live (seven days), which turns tickets off in SunJSSE. */
  private static final int NO_TICKETS_SESSION_TIMEOUT_SECONDS = 7 * 24 * 3600 + 1;

  private final X509Certificate serverCertificate;
  private final X509Certificate clientCertificate;
  private final CountingTrustManager serverTrust;
  private final CountingTrustManager clientTrust;
  private final SSLServerSocketFactory serverSocketFactory;
  private final SSLSocketFactory socketFactory;
  private final SSLContext serverContext;
  private final SSLContext clientContext;
  private final SSLParameters serverParameters;
  private final SSLParameters clientParameters;

  private TlsPeers(SelfSigned server, SelfSigned client, String cipherSuite, boolean resumption)
      throws Exception {
    serverCertificate = server.certificate();
    clientCertificate = client.certificate();
    serverTrust = trusting(clientCertificate);
    clientTrust = trusting(serverCertificate);
    serverContext = context(server, serverTrust, resumption);
    clientContext = context(client, clientTrust, resumption);
    String[] suites = cipherSuite == null ? null : new String[] {cipherSuite};
    serverParameters = new SSLParameters(suites, new String[] {"TLSv1.3"});
    serverParameters.setNeedClientAuth(true);
    clientParameters = new SSLParameters(suites, new String[] {"TLSv1.3"});
    serverSocketFactory =
        new ConfiguredSslServerSocketFactory(
            serverContext.getServerSocketFactory(), serverParameters);
    socketFactory =
        new ConfiguredSslSocketFactory(clientContext.getSocketFactory(), clientParameters);
  }

  /**
   * Fresh peers. {@code cipherSuite} is a TLS 1.3 suite name, or null for the JDK's default TLS 1.3
   * suites in its order of preference; {@code resumption} lets the client resume sessions with the
   * server's tickets as SunJSSE does by default (only to show that resumption would be noticed).
   */
  public static TlsPeers create(String cipherSuite, boolean resumption) throws Exception {
    return new TlsPeers(
        SelfSigned.create("agentwire-bench-server", KeyPurposeId.id_kp_serverAuth),
        SelfSigned.create("agentwire-bench-client", KeyPurposeId.id_kp_clientAuth),
        cipherSuite,
        resumption);
  }

  /** The TLS 1.3 cipher suite for a stack-neutral AEAD name (see {@link SocketStack#open}). */
  public static String suiteFor(String aead) {
    return switch (aead) {
      case "AES_128_GCM" -> "TLS_AES_128_GCM_SHA256";
      case "AES_256_GCM" -> "TLS_AES_256_GCM_SHA384";
      case "CHACHA20_POLY1305" -> "TLS_CHACHA20_POLY1305_SHA256";
      default -> throw new IllegalArgumentException("No TLS 1.3 cipher suite for " + aead);
    };
  }

  @Override
  public SSLServerSocketFactory serverSocketFactory() {
    return serverSocketFactory;
  }

  @Override
  public SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  @Override
  public SSLContext serverContext() {
    return serverContext;
  }

  @Override
  public SSLContext clientContext() {
    return clientContext;
  }

  /** TLS 1.3 only, the suite if one was chosen, client certificates required. */
  @Override
  public SSLParameters serverParameters() {
    return serverParameters;
  }

  /** TLS 1.3 only, the suite if one was chosen; no endpoint identification. */
  @Override
  public SSLParameters clientParameters() {
    return clientParameters;
  }

  /**
   * A new server-side engine configured as the server sockets are, for in-memory handshakes. Its
   * handshakes count in {@link #verifyFullHandshakes} like the sockets' do.
   */
  @Override
  public SSLEngine serverEngine() {
    return EngineStack.super.serverEngine();
  }

  /**
   * A new client-side engine configured as the client sockets are, naming the peer as the sockets
   * do (127.0.0.1 and {@code port}), so that it would find a cached session to resume if there were
   * one.
   */
  public SSLEngine clientEngine(int port) {
    return clientEngine("127.0.0.1", port);
  }

  /** The certificate the server presents, and the only one the client trusts. */
  public X509Certificate serverCertificate() {
    return serverCertificate;
  }

  /** The certificate the client presents, and the only one the server trusts. */
  public X509Certificate clientCertificate() {
    return clientCertificate;
  }

  /** How many client certificate chains the server has checked and accepted. */
  public long clientCertificatesAccepted() {
    return serverTrust.accepted();
  }

  /** How many server certificate chains the client has checked and accepted. */
  public long serverCertificatesAccepted() {
    return clientTrust.accepted();
  }

  @Override
  public void verifyFullHandshakes(long connections) {
    long byServer = clientCertificatesAccepted();
    long byClient = serverCertificatesAccepted();
    if (byServer != connections || byClient != connections) {
      throw new IllegalStateException(
          connections
              + " connections, but the server accepted "
              + byServer
              + " client certificates and the client "
              + byClient
              + " server certificates: not every connection was a full handshake");
    }
  }

  private static CountingTrustManager trusting(X509Certificate peer) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("peer", peer);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager) {
        return new CountingTrustManager((X509ExtendedTrustManager) tm);
      }
    }
    throw new IllegalStateException("No X509ExtendedTrustManager from " + tmf.getAlgorithm());
  }

  private static SSLContext context(SelfSigned own, CountingTrustManager trust, boolean resumption)
      throws Exception {
    char[] password = new char[0];
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "self", own.keyPair().getPrivate(), password, new Certificate[] {own.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
    context.init(kmf.getKeyManagers(), new TrustManager[] {trust}, new SecureRandom());
    if (!resumption) {
      for (SSLSessionContext sessions :
          new SSLSessionContext[] {
            context.getServerSessionContext(), context.getClientSessionContext()
          }) {
        sessions.setSessionTimeout(NO_TICKETS_SESSION_TIMEOUT_SECONDS);
        sessions.setSessionCacheSize(1);
      }
    }
    return context;
  }
}
