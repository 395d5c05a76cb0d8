package io.agentwire.socketfactory;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerTrustStore;
import io.agentwire.socketfactory.internal.AgentSessionImpl;
import io.agentwire.socketfactory.internal.AgentSocketImpl;
import io.agentwire.socketfactory.internal.AgentSslEngine;
import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactorySpi;

/**
 * The JSSE side of AgentWire, kept apart from the crypto provider as BouncyCastle keeps BCJSSE
 * apart from BC. It registers {@code SSLContext "AgentWire"}, {@code KeyManagerFactory "AgentWire"}
 * and {@code TrustManagerFactory "AgentWire"}, so code that takes an {@code SSLContext} switches
 * with:
 *
 * <pre>{@code
 * SSLContext ctx = SSLContext.getInstance("AgentWire", new AgentWireJsseProvider());
 * ctx.init(new KeyManager[] {AgentKeyManager.of(identity)},
 *          new TrustManager[] {AgentTrustManager.of(trustStore)}, null);
 * SSLSocketFactory f = ctx.getSocketFactory();
 * }</pre>
 *
 * With a null KeyStore the factories read {@code -Dagentwire.identity=FILE} (PKCS#8 PEM) and {@code
 * -Dagentwire.trustStore=FILE} (see {@link PeerTrustStore}). {@code SSLContext.createSSLEngine}
 * returns an engine that speaks the same protocol as the sockets, for NIO stacks (Netty, Jetty, the
 * JDK's HttpClient and HttpsServer). Thread-safe.
 */
public final class AgentWireJsseProvider extends Provider {

  private static final long serialVersionUID = 1L;
  public static final String NAME = "AgentWireJSSE";
  public static final String ALGORITHM = "AgentWire";

  public AgentWireJsseProvider() {
    super(NAME, "0.1", "AgentWire: Noise protocol sockets as an SSLContext");
    putService(
        new Service(
            this,
            "SSLContext",
            ALGORITHM,
            ContextSpi.class.getName(),
            List.of(AgentSessionImpl.PROTOCOL),
            null) {
          @Override
          public Object newInstance(Object parameter) {
            return new ContextSpi();
          }
        });
    putService(
        new Service(this, "KeyManagerFactory", ALGORITHM, KeysSpi.class.getName(), null, null) {
          @Override
          public Object newInstance(Object parameter) {
            return new KeysSpi();
          }
        });
    putService(
        new Service(this, "TrustManagerFactory", ALGORITHM, TrustSpi.class.getName(), null, null) {
          @Override
          public Object newInstance(Object parameter) {
            return new TrustSpi();
          }
        });
  }

  /**
   * An initialised {@code SSLContext} whose socket factories and engines all run {@code config}:
   * for settings that key and trust managers cannot carry (suites, rekey policy, padding, handshake
   * timeout, raw mode). Its {@code init} is a no-op: the configuration is fixed.
   */
  public static SSLContext newContext(AgentSocketConfig config) {
    java.util.Objects.requireNonNull(config, "config");
    ContextSpi spi = new ContextSpi();
    spi.config = config;
    spi.fixed = true;
    return new SSLContext(spi, new AgentWireJsseProvider(), ALGORITHM) {};
  }

  /** {@code SSLContext "AgentWire"}. */
  static final class ContextSpi extends SSLContextSpi {
    private AgentSocketConfig config;
    private boolean fixed;

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws java.security.KeyManagementException {
      if (fixed) {
        return;
      }
      AgentIdentity identity = null;
      if (km != null) {
        for (KeyManager k : km) {
          if (k instanceof AgentKeyManager) {
            identity = ((AgentKeyManager) k).identity();
            break;
          }
        }
      }
      AgentTrustManager trust = null;
      if (tm != null) {
        for (TrustManager t : tm) {
          if (t instanceof AgentTrustManager) {
            trust = (AgentTrustManager) t;
            break;
          }
        }
      }
      try {
        if (identity == null && km == null) {
          identity = defaultIdentity();
        }
        if (trust == null) {
          trust = defaultTrust();
        }
      } catch (KeyStoreException e) {
        throw new java.security.KeyManagementException(e.getMessage(), e);
      }
      config =
          AgentSocketConfig.builder()
              .identity(identity)
              .peerVerifier(trust.verifier())
              .anonymousPeers(trust.anonymousPeers())
              .build();
    }

    private AgentSocketConfig config() {
      if (config == null) {
        throw new IllegalStateException("SSLContext \"AgentWire\" is not initialized: call init");
      }
      return config;
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new AgentSocketFactory(config());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new AgentServerSocketFactory(config());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return new AgentSslEngine(config(), null, -1);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return new AgentSslEngine(config(), host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return NoResumption.INSTANCE;
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return NoResumption.INSTANCE;
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      SSLParameters p =
          new SSLParameters(
              AgentSocketConfig.DEFAULT_SUITES.toArray(new String[0]),
              new String[] {
                config().sessionProtocolLabel() != null
                    ? config().sessionProtocolLabel()
                    : AgentSessionImpl.PROTOCOL
              });
      p.setNeedClientAuth(true);
      p.setEndpointIdentificationAlgorithm(AgentSocketImpl.DEFAULT_IDENTIFICATION);
      return p;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters(
          AgentSocketConfig.SUPPORTED_SUITES.toArray(new String[0]),
          new String[] {AgentSessionImpl.PROTOCOL, AgentSessionImpl.RAW_PROTOCOL});
    }
  }

  /** Noise has no session resumption; this context is always empty. */
  static final class NoResumption implements SSLSessionContext {
    static final NoResumption INSTANCE = new NoResumption();

    @Override
    public SSLSession getSession(byte[] sessionId) {
      return null;
    }

    @Override
    public Enumeration<byte[]> getIds() {
      return Collections.emptyEnumeration();
    }

    @Override
    public void setSessionTimeout(int seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("seconds < 0");
      }
    }

    @Override
    public int getSessionTimeout() {
      return 0;
    }

    @Override
    public void setSessionCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("size < 0");
      }
    }

    @Override
    public int getSessionCacheSize() {
      return 0;
    }
  }

  /** {@code KeyManagerFactory "AgentWire"}. */
  static final class KeysSpi extends KeyManagerFactorySpi {
    private AgentKeyManager manager;

    @Override
    protected void engineInit(KeyStore ks, char[] password)
        throws KeyStoreException, NoSuchAlgorithmException, UnrecoverableKeyException {
      if (ks == null) {
        manager = AgentKeyManager.of(defaultIdentity());
        return;
      }
      for (Enumeration<String> aliases = ks.aliases(); aliases.hasMoreElements(); ) {
        String alias = aliases.nextElement();
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        Key key = ks.getKey(alias, password);
        if (key instanceof PrivateKey
            && ("X25519".equals(key.getAlgorithm()) || "XDH".equals(key.getAlgorithm()))) {
          try {
            manager = AgentKeyManager.of(AgentIdentity.of((PrivateKey) key));
            return;
          } catch (java.security.GeneralSecurityException e) {
            // Not an X25519 key after all (an X448 XDH key); keep looking.
          }
        }
      }
      throw new KeyStoreException("the KeyStore holds no X25519 private key");
    }

    @Override
    protected void engineInit(ManagerFactoryParameters spec)
        throws InvalidAlgorithmParameterException {
      if (!(spec instanceof AgentKeyManager)) {
        throw new InvalidAlgorithmParameterException(
            "pass AgentKeyManager.of(identity) to KeyManagerFactory \"AgentWire\"");
      }
      manager = (AgentKeyManager) spec;
    }

    @Override
    protected KeyManager[] engineGetKeyManagers() {
      if (manager == null) {
        throw new IllegalStateException("KeyManagerFactory \"AgentWire\" is not initialized");
      }
      return new KeyManager[] {manager};
    }
  }

  /** {@code TrustManagerFactory "AgentWire"}. */
  static final class TrustSpi extends TrustManagerFactorySpi {
    private AgentTrustManager manager;

    @Override
    protected void engineInit(KeyStore ks) throws KeyStoreException {
      if (ks == null) {
        manager = defaultTrust();
        return;
      }
      // Trusted-certificate entries pin the certificate's X25519 key under the entry's alias.
      PeerTrustStore store = PeerTrustStore.inMemory(false);
      for (Enumeration<String> aliases = ks.aliases(); aliases.hasMoreElements(); ) {
        String alias = aliases.nextElement();
        Certificate cert = ks.getCertificate(alias);
        if (cert == null) {
          continue;
        }
        PublicKey key = cert.getPublicKey();
        if ("X25519".equals(key.getAlgorithm()) || "XDH".equals(key.getAlgorithm())) {
          try {
            store.pin(alias, key);
          } catch (java.io.IOException | IllegalArgumentException e) {
            throw new KeyStoreException("cannot pin the key of " + alias + ": " + e.getMessage());
          }
        }
      }
      manager = AgentTrustManager.of(store);
    }

    @Override
    protected void engineInit(ManagerFactoryParameters spec)
        throws InvalidAlgorithmParameterException {
      if (!(spec instanceof AgentTrustManager)) {
        throw new InvalidAlgorithmParameterException(
            "pass AgentTrustManager.of(verifier) to TrustManagerFactory \"AgentWire\"");
      }
      manager = (AgentTrustManager) spec;
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      if (manager == null) {
        throw new IllegalStateException("TrustManagerFactory \"AgentWire\" is not initialized");
      }
      return new TrustManager[] {manager};
    }
  }

  static AgentIdentity defaultIdentity() throws KeyStoreException {
    String file = System.getProperty("agentwire.identity");
    if (file == null) {
      return null;
    }
    try {
      return AgentIdentity.load(Path.of(file));
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new KeyStoreException("cannot read -Dagentwire.identity=" + file + ": " + e, e);
    }
  }

  static AgentTrustManager defaultTrust() throws KeyStoreException {
    String file = System.getProperty("agentwire.trustStore");
    if (file == null) {
      throw new KeyStoreException(
          "no AgentWire trust configured: pass an AgentTrustManager to SSLContext.init, or set"
              + " -Dagentwire.trustStore=FILE (a pinned-keys file; see PeerTrustStore)");
    }
    try {
      return AgentTrustManager.of(PeerTrustStore.open(Path.of(file), false));
    } catch (java.io.IOException e) {
      throw new KeyStoreException("cannot read -Dagentwire.trustStore=" + file + ": " + e, e);
    }
  }
}
