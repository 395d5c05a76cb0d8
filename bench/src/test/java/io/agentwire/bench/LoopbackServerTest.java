package io.agentwire.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

class LoopbackServerTest {

  private static List<String> threadsOf(int port) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("loopback-" + port + "-"))
        .collect(Collectors.toList());
  }

  /**
   * The server's threads once their number is {@code expected}, or after two seconds: a pool thread
   * is still alive for a moment after its executor reports termination, and a connection's thread
   * starts a moment after the client's connect returns.
   */
  private static List<String> threadsOf(int port, int expected) throws InterruptedException {
    List<String> threads = threadsOf(port);
    for (int i = 0; i < 200 && threads.size() != expected; i++) {
      Thread.sleep(10);
      threads = threadsOf(port);
    }
    return threads;
  }

  @Test
  void sinkAcknowledgesEveryBlockExactly() throws Exception {
    try (LoopbackServer server = LoopbackServer.sink(ServerSocketFactory.getDefault(), 1000);
        Socket socket = server.connect(SocketFactory.getDefault())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(new byte[999]);
      out.write(new byte[1501]); // 2500 bytes: two acknowledgements, 500 bytes pending
      assertEquals(LoopbackServer.ACK, in.read());
      assertEquals(LoopbackServer.ACK, in.read());
      out.write(new byte[500]);
      assertEquals(LoopbackServer.ACK, in.read());
      assertEquals(0, in.available());
      assertTrue(socket.getTcpNoDelay());
    }
  }

  @Test
  void closeLeavesNoThreadEvenWithClientsConnected() throws Exception {
    TlsPeers peers = TlsPeers.create(null, false);
    LoopbackServer server = LoopbackServer.echo(peers.serverSocketFactory());
    int port = server.port();
    try (Socket a = server.connect(peers.socketFactory());
        Socket b = server.connect(peers.socketFactory())) {
      a.getOutputStream().write(7);
      assertEquals(7, a.getInputStream().read());
      b.getOutputStream().write(8);
      assertEquals(8, b.getInputStream().read());
      assertEquals(3, threadsOf(port, 3).size()); // the acceptor and one per connection
      server.close();
      assertEquals(List.of(), threadsOf(port, 0));
      assertEquals(-1, a.getInputStream().read());
    }
  }
}
