package io.agentwire.bench.engine;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.agentwire.bench.EngineStack;
import io.agentwire.bench.SocketStack;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * HTTPS requests per second from the JDK's {@link HttpClient} (HTTP/1.1) to the JDK's {@link
 * HttpsServer} on loopback, each request on a new connection: the server answers {@code Connection:
 * close} and the client's pool keeps nothing ({@code -Djdk.httpclient.keepalive.timeout=0}). Both
 * sides use one {@link EngineStack}'s {@code SSLContext} unchanged; the client checks the server's
 * name as it always does ({@code HTTPS} endpoint identification against {@code localhost}: the TLS
 * certificate's DNS name, and a name the AgentWire client has the server's key pinned for). One
 * request at a time, a GET with a 2-byte answer. Afterwards the handshake count must equal the
 * request count on both sides: a new, full handshake per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Djdk.httpclient.keepalive.timeout=0", "-Dsun.net.httpserver.nodelay=true"})
public class HttpBench {

  private static final byte[] BODY = "ok".getBytes(StandardCharsets.US_ASCII);

  /** The implementation under test; see {@link EngineStack#open}. */
  @Param({SocketStack.TLS13, SocketStack.AGENTWIRE})
  public String stack;

  /** {@link EngineStack#DEFAULT}, or an AEAD name. */
  @Param({EngineStack.DEFAULT})
  public String aead;

  private EngineStack peers;
  private HttpsServer server;
  private ExecutorService serverThreads;
  private HttpClient client;
  private HttpRequest request;
  private final LongAdder served = new LongAdder();
  private long requests;

  @Setup(Level.Trial)
  public void start() throws Exception {
    peers = EngineStack.open(stack, aead);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setHttpsConfigurator(
        new HttpsConfigurator(peers.serverContext()) {
          @Override
          public void configure(HttpsParameters params) {
            params.setSSLParameters(peers.serverParameters());
          }
        });
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Connection", "close");
          exchange.sendResponseHeaders(200, BODY.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
          }
          served.increment();
        });
    serverThreads = Executors.newSingleThreadExecutor();
    server.setExecutor(serverThreads);
    server.start();
    client =
        HttpClient.newBuilder()
            .sslContext(peers.clientContext())
            .sslParameters(peers.clientParameters())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    request =
        HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.getAddress().getPort() + "/"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
  }

  @Benchmark
  public int request() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200 || r.body().length != BODY.length) {
      throw new IOException(
          "Unexpected response " + r.statusCode() + ", " + r.body().length + " B");
    }
    requests++;
    return r.statusCode();
  }

  @TearDown(Level.Trial)
  public void stop() {
    server.stop(0);
    serverThreads.shutdown();
    // One full handshake per request on both sides: no connection was reused or resumed.
    peers.verifyFullHandshakes(requests);
    System.out.println(
        stack
            + " "
            + aead
            + ": "
            + requests
            + " requests, "
            + served.sum()
            + " served, each on a new connection with a full handshake");
  }
}
