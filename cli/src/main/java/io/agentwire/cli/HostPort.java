package io.agentwire.cli;

/** {@code HOST:PORT}, with {@code [v6]:PORT} for IPv6 literals. */
final class HostPort {
  final String host;
  final int port;

  private HostPort(String host, int port) {
    this.host = host;
    this.port = port;
  }

  static HostPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new Main.UsageError("expected HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new Main.UsageError("not a port number: '" + text.substring(colon + 1) + "'");
    }
    if (port < 1 || port > 65535) {
      throw new Main.UsageError("port " + port + " is out of range");
    }
    return new HostPort(host, port);
  }
}
