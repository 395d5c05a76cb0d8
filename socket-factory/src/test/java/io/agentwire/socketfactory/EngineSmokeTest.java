package io.agentwire.socketfactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {

  static final AgentIdentity SERVER = AgentIdentity.generate();
  static final AgentIdentity CLIENT = AgentIdentity.generate();

  @Test
  void enginePairHandshakesAndCarriesData() throws Exception {
    SSLEngine client =
        AgentWireJsseProvider.newContext(
                AgentSocketConfig.builder()
                    .identity(CLIENT)
                    .peerVerifier(PeerVerifier.onlyKey(SERVER.publicKey()))
                    .build())
            .createSSLEngine();
    SSLEngine server =
        AgentWireJsseProvider.newContext(
                AgentSocketConfig.builder()
                    .identity(SERVER)
                    .peerVerifier(PeerVerifier.onlyKey(CLIENT.publicKey()))
                    .build())
            .createSSLEngine();
    client.setUseClientMode(true);
    SSLParameters p = client.getSSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    client.setSSLParameters(p);
    server.setUseClientMode(false);
    SSLParameters sp = server.getSSLParameters();
    sp.setApplicationProtocols(new String[] {"http/1.1"});
    server.setSSLParameters(sp);
    int packet = client.getSession().getPacketBufferSize();
    int app = client.getSession().getApplicationBufferSize();
    ByteBuffer c2s = ByteBuffer.allocate(packet * 4);
    ByteBuffer s2c = ByteBuffer.allocate(packet * 4);
    ByteBuffer cIn = ByteBuffer.allocate(app * 4);
    ByteBuffer sIn = ByteBuffer.allocate(app * 4);
    ByteBuffer msg = ByteBuffer.wrap("hello agent".getBytes(StandardCharsets.UTF_8));
    int finished = 0;
    for (int i = 0; i < 20; i++) {
      SSLEngineResult r = client.wrap(msg, c2s);
      if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) finished++;
      r = server.wrap(ByteBuffer.allocate(0), s2c);
      if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) finished++;
      c2s.flip();
      while (c2s.hasRemaining()) {
        r = server.unwrap(c2s, sIn);
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) finished++;
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
      }
      c2s.compact();
      s2c.flip();
      while (s2c.hasRemaining()) {
        r = client.unwrap(s2c, cIn);
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) finished++;
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
      }
      s2c.compact();
    }
    assertEquals(2, finished);
    sIn.flip();
    assertEquals("hello agent", StandardCharsets.UTF_8.decode(sIn).toString());
    assertEquals("http/1.1", client.getApplicationProtocol());
    assertEquals("http/1.1", server.getApplicationProtocol());
    assertTrue(client.getSession().getCipherSuite().startsWith("Noise_XX"));
  }
}
