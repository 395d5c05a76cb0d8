package io.agentwire.socketfactory.internal.protocol;

import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.FailureReason;
import javax.net.ssl.SSLHandshakeException;

/**
 * How a connection lays out its bytes, chosen once from the configuration: the AgentWire wire
 * protocol ({@code docs/PROTOCOL.md} sections 2 to 4: negotiation bound into the prologue, typed
 * and padded records, rekeys, the authenticated close) or raw Noise (section 5: the configured
 * protocol at once, bare Noise messages, end of stream as end of file). Every difference between
 * the two modes is answered here, so the core never asks the configuration which mode it is in.
 * Stateless and thread-safe.
 */
public enum Framing {
  /** The AgentWire wire protocol, version 1. */
  AGENTWIRE {
    @Override
    public String sessionProtocol() {
      return "AgentWire/1";
    }

    @Override
    boolean negotiates() {
      return true;
    }

    @Override
    boolean typedRecords() {
      return true;
    }

    @Override
    public boolean endOfStreamIsEndOfFile() {
      return false;
    }

    @Override
    void checkFirstFrame(int length) throws SSLHandshakeException {
      // A TLS ClientHello starts 0x16 0x03: fail at once instead of waiting for 5.6 KB that never
      // come. HTTP methods start with ASCII letters, which make absurd lengths for a first frame.
      if ((length >>> 8) == 0x16 && (length & 0xff) <= 0x04) {
        throw new AgentHandshakeException(
            FailureReason.NOT_AGENTWIRE, "the peer speaks TLS, not AgentWire");
      }
      if ((length >>> 8) >= 'A' && (length >>> 8) <= 'Z' && (length & 0xff) >= 'A') {
        throw new AgentHandshakeException(
            FailureReason.NOT_AGENTWIRE, "the peer speaks plain text (HTTP?), not AgentWire");
      }
    }
  },

  /** Raw Noise: interoperates with any Noise library configured the same way. */
  RAW_NOISE {
    @Override
    public String sessionProtocol() {
      return "Noise";
    }

    @Override
    boolean negotiates() {
      return false;
    }

    @Override
    boolean typedRecords() {
      return false;
    }

    @Override
    public boolean endOfStreamIsEndOfFile() {
      return true;
    }

    @Override
    void checkFirstFrame(int length) {
      // Any length may start a raw Noise handshake.
    }
  };

  /** The framing a connection built from {@code config} uses. */
  public static Framing of(AgentSocketConfig config) {
    return config.isRaw() ? RAW_NOISE : AGENTWIRE;
  }

  /** {@code SSLSession.getProtocol()} of the connections this framing carries. */
  public abstract String sessionProtocol();

  /**
   * Whether the handshake starts with the hello and response of section 2 (otherwise it runs the
   * first configured protocol at once, with the configured prologue, and handshake payloads the
   * peer sends are application data).
   */
  abstract boolean negotiates();

  /**
   * Whether transport messages carry the typed, padded records of section 4 (with rekeys, DH steps,
   * alerts and the authenticated close), or bare application bytes.
   */
  abstract boolean typedRecords();

  /**
   * Whether a TCP end of stream between frames is a clean end of file. Otherwise only the
   * authenticated close ends a stream, and a bare end of stream is truncation.
   */
  public abstract boolean endOfStreamIsEndOfFile();

  /**
   * Fails at once when a server's first frame length is evidently another protocol's first bytes
   * (section 6).
   */
  abstract void checkFirstFrame(int length) throws SSLHandshakeException;
}
