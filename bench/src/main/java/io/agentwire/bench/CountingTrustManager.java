package io.agentwire.bench;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that counts the peer certificate chains it accepted, and otherwise does exactly
 * what the JDK's PKIX trust manager it wraps does. A TLS 1.3 handshake consults it only when the
 * peer sends its certificate, which a resumed (PSK) handshake never does: one accepted chain per
 * connection means one full handshake per connection.
 */
final class CountingTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager delegate;
  private final AtomicLong accepted = new AtomicLong();

  CountingTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  /** How many peer certificate chains were checked and accepted so far. */
  long accepted() {
    return accepted.get();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    accepted.incrementAndGet();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    accepted.incrementAndGet();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    accepted.incrementAndGet();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    accepted.incrementAndGet();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    accepted.incrementAndGet();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    accepted.incrementAndGet();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
