package io.agentwire.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Turns an exception into the one line a user reads. */
final class Errors {

  private Errors() {}

  static String oneLine(Throwable e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof ConnectException) {
      return "cannot connect: " + e.getMessage();
    }
    if (e instanceof java.nio.file.FileSystemException) {
      java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
      String reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return f.getFile()
          + ": "
          + reason
              .replace("Exception", "")
              .replaceAll("([a-z])([A-Z])", "$1 $2")
              .toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof SocketTimeoutException) {
      return "timed out: " + e.getMessage();
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      Throwable c = e.getCause();
      return c != null && c != e ? oneLine(c) : e.getClass().getSimpleName();
    }
    return m.replace('\n', ' ');
  }
}
