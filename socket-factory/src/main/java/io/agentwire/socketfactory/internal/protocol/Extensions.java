package io.agentwire.socketfactory.internal.protocol;

import static io.agentwire.socketfactory.internal.protocol.WireFormat.EXTENSION_ALPN;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.EXTENSION_HEADER;
import static io.agentwire.socketfactory.internal.protocol.WireFormat.MAX_APPLICATION_PROTOCOLS;

import io.agentwire.socketfactory.AgentHandshakeException;
import io.agentwire.socketfactory.AgentProtocolException;
import io.agentwire.socketfactory.FailureReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The handshake extensions of {@code docs/PROTOCOL.md} section 2.6: the client's block at the end
 * of the hello header (bound into the prologue) and the server's block in the payload of its first
 * Noise handshake message (encrypted and bound into the handshake hash). Each extension is {@code
 * u16 type || u16 length || data}; the one defined is ALPN (type 16, as RFC 7301 numbers it). A
 * server ignores extension types it does not know; a client accepts only what it offered.
 * Stateless.
 */
final class Extensions {

  private Extensions() {}

  /** The client's extension block: ALPN when {@code protocols} is not empty. */
  static byte[] clientHello(List<String> protocols) throws SSLException {
    if (protocols.isEmpty()) {
      return new byte[0];
    }
    if (protocols.size() > MAX_APPLICATION_PROTOCOLS) {
      throw new AgentHandshakeException(
          FailureReason.NOT_RUNNABLE,
          "offering "
              + protocols.size()
              + " application protocols; AgentWire offers at most "
              + MAX_APPLICATION_PROTOCOLS);
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (String p : protocols) {
      writeName(data, p);
    }
    return extension(EXTENSION_ALPN, data.toByteArray());
  }

  /** The server's extension block: ALPN when {@code chosen} is not empty. */
  static byte[] serverResponse(String chosen) throws SSLException {
    if (chosen.isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    writeName(data, chosen);
    return extension(EXTENSION_ALPN, data.toByteArray());
  }

  /** The server reads the client's block: the ALPN offer, empty when there is none. */
  static List<String> offeredProtocols(byte[] b, int off, int len) throws SSLException {
    List<String> offered = List.of();
    Set<Integer> seen = new HashSet<>();
    int end = off + len;
    int pos = off;
    while (pos < end) {
      int type = u16(b, pos, end);
      int length = u16(b, pos + 2, end);
      int data = pos + EXTENSION_HEADER;
      if (data + length > end) {
        throw malformed("an extension runs past the hello's extension block");
      }
      if (!seen.add(type)) {
        throw malformed("the hello carries extension " + type + " twice");
      }
      if (type == EXTENSION_ALPN) {
        offered = readNames(b, data, length);
        if (offered.isEmpty()) {
          throw malformed("an ALPN extension with no protocol");
        }
      }
      pos = data + length;
    }
    return offered;
  }

  /**
   * The client reads the server's block: the application protocol the server chose ({@code ""} for
   * none), which must be one of {@code offered}.
   */
  static String acceptedProtocol(byte[] payload, List<String> offered) throws SSLException {
    if (payload.length == 0) {
      return "";
    }
    int type = u16(payload, 0, payload.length);
    int length = u16(payload, 2, payload.length);
    if (type != EXTENSION_ALPN || EXTENSION_HEADER + length != payload.length) {
      throw malformed(
          "the server's handshake payload is not one ALPN extension (type "
              + type
              + ", "
              + payload.length
              + " bytes)");
    }
    List<String> chosen = readNames(payload, EXTENSION_HEADER, length);
    if (chosen.size() != 1) {
      throw malformed("the server chose " + chosen.size() + " application protocols, not one");
    }
    String protocol = chosen.get(0);
    if (!offered.contains(protocol)) {
      throw new AgentHandshakeException(
          FailureReason.NO_APPLICATION_PROTOCOL,
          "the server chose the application protocol "
              + printable(List.of(protocol))
              + ", which this client did not offer "
              + offered);
    }
    return protocol;
  }

  private static byte[] extension(int type, byte[] data) throws SSLException {
    if (data.length > 0xffff) {
      throw new AgentHandshakeException(
          FailureReason.NOT_RUNNABLE, "the application protocol names do not fit an extension");
    }
    byte[] e = new byte[EXTENSION_HEADER + data.length];
    e[0] = (byte) (type >>> 8);
    e[1] = (byte) type;
    e[2] = (byte) (data.length >>> 8);
    e[3] = (byte) data.length;
    System.arraycopy(data, 0, e, EXTENSION_HEADER, data.length);
    return e;
  }

  private static void writeName(ByteArrayOutputStream out, String p) throws SSLException {
    // RFC 7301: opaque names of 1 to 255 bytes. JSSE encodes the Java string as UTF-8.
    byte[] n = p.getBytes(StandardCharsets.UTF_8);
    if (n.length == 0 || n.length > 255) {
      throw new AgentHandshakeException(
          FailureReason.NOT_RUNNABLE,
          "an application protocol name of " + n.length + " bytes: names are 1 to 255 bytes");
    }
    out.write(n.length);
    out.write(n, 0, n.length);
  }

  private static List<String> readNames(byte[] b, int off, int len) throws SSLException {
    List<String> names = new ArrayList<>();
    int end = off + len;
    int pos = off;
    while (pos < end) {
      int n = b[pos] & 0xff;
      if (n == 0 || pos + 1 + n > end) {
        throw malformed("a malformed application protocol name in ALPN");
      }
      if (names.size() == MAX_APPLICATION_PROTOCOLS) {
        throw malformed("more than " + MAX_APPLICATION_PROTOCOLS + " application protocols");
      }
      names.add(new String(b, pos + 1, n, StandardCharsets.UTF_8));
      pos += 1 + n;
    }
    return names;
  }

  private static int u16(byte[] b, int pos, int end) throws SSLException {
    if (pos + 2 > end) {
      throw malformed("a truncated extension");
    }
    return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
  }

  private static SSLException malformed(String what) {
    return new AgentProtocolException(FailureReason.MALFORMED, what);
  }

  /** Names as a peer sent them, with anything unprintable replaced. */
  static String printable(List<String> names) {
    List<String> shown = new ArrayList<>();
    for (String n : names) {
      shown.add(n.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? n : "(unprintable)");
    }
    return shown.toString();
  }
}
