package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void xxEcho() throws Exception {
    AgentIdentity a = AgentIdentity.generate();
    AgentIdentity b = AgentIdentity.generate();
    AgentSocketConfig server =
        AgentSocketConfig.builder().identity(a).peerVerifier(PeerVerifier.anyPeer()).build();
    AgentSocketConfig client =
        AgentSocketConfig.builder().identity(b).peerVerifier(PeerVerifier.anyPeer()).build();
    try (EchoServer es = new EchoServer(new AgentServerSocketFactory(server), EchoServer.ECHO);
        Socket s = new AgentSocketFactory(client).createSocket("127.0.0.1", es.port())) {
      byte[] msg = new byte[100_000];
      new java.util.Random(1).nextBytes(msg);
      try {
        s.getOutputStream().write(msg);
      } catch (Exception e) {
        Thread.sleep(200);
        es.failures.forEach(Throwable::printStackTrace);
        throw e;
      }
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      in.transferTo(got);
      assertArrayEquals(msg, got.toByteArray());
      System.out.println(((javax.net.ssl.SSLSocket) s).getSession());
      assertEquals(
          "Noise_XX_25519_ChaChaPoly_BLAKE2s",
          ((javax.net.ssl.SSLSocket) s).getSession().getCipherSuite());
      es.awaitEnded(1);
      assertEquals(java.util.List.of(), es.failures);
    }
  }
}
