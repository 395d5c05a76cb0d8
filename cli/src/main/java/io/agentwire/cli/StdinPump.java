package io.agentwire.cli;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netcat mode's one stdin, fed to whichever connection currently has its turn. At the end of stdin
 * it half-closes that connection (and any later one as it attaches), so the peer sees an
 * authenticated end of our data.
 */
final class StdinPump {

  private Socket current;
  private AtomicLong sent = new AtomicLong();
  private boolean done;
  private long lastProgress = System.nanoTime();

  void start() {
    Thread t = new Thread(this::run, "stdin-to-peer");
    t.setDaemon(true);
    t.start();
  }

  private void run() {
    byte[] buf = new byte[16 * 1024];
    try {
      int n;
      while ((n = System.in.read(buf)) >= 0) {
        Socket s = awaitConnection();
        try {
          s.getOutputStream().write(buf, 0, n);
          synchronized (this) {
            sent.addAndGet(n);
            lastProgress = System.nanoTime();
          }
        } catch (IOException e) {
          // that connection is gone; the data was meant for it
        }
      }
    } catch (IOException | InterruptedException e) {
      // stdin closed under us: nothing more to send
    }
    Socket s;
    synchronized (this) {
      done = true;
      s = current;
      notifyAll();
    }
    halfClose(s);
  }

  /** Gives {@code s} the turn; returns the count of bytes stdin sends to it. */
  AtomicLong attach(Socket s) {
    boolean closeNow;
    AtomicLong counter = new AtomicLong();
    synchronized (this) {
      current = s;
      sent = counter;
      lastProgress = System.nanoTime();
      closeNow = done;
      notifyAll();
    }
    if (closeNow) {
      halfClose(s);
    }
    return counter;
  }

  synchronized void detach(Socket s) {
    if (current == s) {
      current = null;
    }
  }

  /**
   * After the peer's end of stream: waits while stdin still flows to the connection, and returns
   * once stdin has ended or has been idle for half a second (an interactive terminal).
   */
  synchronized void awaitIdleOrDone() {
    try {
      while (!done && System.nanoTime() - lastProgress < 500_000_000L) {
        wait(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized Socket awaitConnection() throws InterruptedException {
    while (current == null) {
      wait();
    }
    return current;
  }

  private static void halfClose(Socket s) {
    if (s != null) {
      try {
        s.shutdownOutput();
      } catch (IOException e) {
        // the connection is gone already
      }
    }
  }
}
