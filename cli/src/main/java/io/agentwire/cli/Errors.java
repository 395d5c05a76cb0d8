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
