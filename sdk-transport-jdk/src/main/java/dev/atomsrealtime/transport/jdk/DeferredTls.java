package dev.atomsrealtime.transport.jdk;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of the client that opens only {@code ws://} connections. The JDK's {@code
 * HttpClient} takes the platform's default context when it is built, and initialising that (the
 * TLS provider, the trust store) is a large part of a cold start that never uses TLS. This context
 * is the platform default too, but set up on first use only, which a client of plain connections
 * never makes (it follows no redirects and uses no proxy).
 */
final class DeferredTls extends SSLContext {

  private DeferredTls() {
    super(new Spi(), null, "Default");
  }

  /** A new context that becomes the platform default on first use. */
  static SSLContext context() {
    return new DeferredTls();
  }

  /** Parameters for a client whose context must not be set up to tell its defaults. */
  static SSLParameters parameters() {
    return new SSLParameters();
  }

  private static final class Spi extends SSLContextSpi {
    private static SSLContext platform() {
      try {
        return SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default TLS context on this platform", e);
      }
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("the platform default context is initialised already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return platform().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return platform().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return platform().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return platform().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return platform().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return platform().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return platform().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return platform().getSupportedSSLParameters();
    }
  }
}
