package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC-java over Netty (grpc-netty, so a Netty {@link io.netty.handler.ssl.SslContext} from {@link
 * io.netty.handler.ssl.JdkSslContext} goes straight in): {@link NettyServerBuilder#sslContext} and
 * {@link NettyChannelBuilder#sslContext}, both with ALPN "h2", which gRPC requires. The service is
 * defined by hand (byte-array marshaller, no protobuf): a unary echo, a server stream and a
 * bidirectional stream. The server sees the client's principal through {@link
 * Grpc#TRANSPORT_ATTR_SSL_SESSION}, and the client the server's.
 */
@Timeout(30)
class GrpcTest {

  private static final String SERVICE = "agentwire.integrations.Echo";

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> COUNT =
      method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> BIDI =
      method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

  private final Closer closer = new Closer();

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  private static MethodDescriptor<byte[], byte[]> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private static CallOptions tenSeconds() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @OverEachSecurity
  void unaryEcho(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    Seen serverAsSeen = new Seen();
    Channel channel = channel(security, startServer(security, seen), serverAsSeen);
    for (int size : new int[] {1, 64 * 1024, 1024 * 1024}) {
      byte[] request = Payloads.bytes(size);
      byte[] response = ClientCalls.blockingUnaryCall(channel, UNARY, tenSeconds(), request);
      assertArrayEquals(request, response, size + " bytes echoed");
      seen.assertClient(security);
      Seen.assertServer(serverAsSeen.next(), security);
    }
  }

  @OverEachSecurity
  void serverStreaming(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    Channel channel = channel(security, startServer(security, seen), new Seen());
    Iterator<byte[]> replies =
        ClientCalls.blockingServerStreamingCall(
            channel, COUNT, tenSeconds(), "5".getBytes(StandardCharsets.US_ASCII));
    List<String> got = new ArrayList<>();
    replies.forEachRemaining(r -> got.add(new String(r, StandardCharsets.US_ASCII)));
    assertEquals(List.of("1", "2", "3", "4", "5"), got);
    seen.assertClient(security);
  }

  @OverEachSecurity
  void bidirectionalStreaming(TransportSecurity security) throws Exception {
    Seen seen = new Seen();
    Channel channel = channel(security, startServer(security, seen), new Seen());
    List<byte[]> received = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<byte[]> requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(BIDI, tenSeconds()),
            new StreamObserver<>() {
              @Override
              public void onNext(byte[] value) {
                synchronized (received) {
                  received.add(value);
                }
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] m = Payloads.bytes(1 + i * 3000);
      sent.add(m);
      requests.onNext(m);
    }
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);
    synchronized (received) {
      assertEquals(sent.size(), received.size(), "one reply per message");
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), received.get(i), "message " + i);
      }
    }
    seen.assertClient(security);
  }

  @OverEachSecurity
  void channelRefusesAServerThatIsNotTheHostItDialed(TransportSecurity security) throws Exception {
    int port = startServer(security, new Seen());
    Channel channel = channel(security, security.otherName(), port, new Seen());
    Refusals.assertRefused(
        () -> ClientCalls.blockingUnaryCall(channel, UNARY, tenSeconds(), new byte[1]));
  }

  /** The echo service on 127.0.0.1, any port; every call's TLS session goes to {@code seen}. */
  private int startServer(TransportSecurity security, Seen seen) throws Exception {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                UNARY,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      response.onNext(request);
                      response.onCompleted();
                    }))
            .addMethod(
                COUNT,
                ServerCalls.asyncServerStreamingCall(
                    (request, response) -> {
                      int n = Integer.parseInt(new String(request, StandardCharsets.US_ASCII));
                      for (int i = 1; i <= n; i++) {
                        response.onNext(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                      }
                      response.onCompleted();
                    }))
            .addMethod(
                BIDI,
                ServerCalls.asyncBidiStreamingCall(
                    response ->
                        new StreamObserver<byte[]>() {
                          @Override
                          public void onNext(byte[] value) {
                            response.onNext(value);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            response.onCompleted();
                          }
                        }))
            .build();
    ServerInterceptor recordSession =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            seen.record(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
            return next.startCall(call, headers);
          }
        };
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(NettyTls.server(security, NettyTls.alpn("h2")))
            .addService(ServerInterceptors.intercept(service, recordSession))
            .handshakeTimeout(10, TimeUnit.SECONDS)
            .build()
            .start();
    closer.add(
        server,
        () -> {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        });
    return server.getPort();
  }

  /** A channel to {@code host:port}; each call's TLS session goes to {@code serverAsSeen}. */
  private Channel channel(TransportSecurity security, int port, Seen serverAsSeen) {
    return channel(security, security.host(), port, serverAsSeen);
  }

  private Channel channel(TransportSecurity security, String host, int port, Seen serverAsSeen) {
    ManagedChannel managed =
        NettyChannelBuilder.forAddress(host, port)
            .sslContext(NettyTls.client(security, NettyTls.alpn("h2")))
            .build();
    closer.add(
        managed,
        () -> {
          managed.shutdownNow();
          managed.awaitTermination(5, TimeUnit.SECONDS);
        });
    ClientInterceptor recordSession =
        new ClientInterceptor() {
          @Override
          public <Q, R> ClientCall<Q, R> interceptCall(
              MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientCall<Q, R> call = next.newCall(method, options);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
              @Override
              public void start(Listener<R> listener, Metadata headers) {
                super.start(
                    new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                        listener) {
                      @Override
                      public void onHeaders(Metadata h) {
                        // Null (no session) is recorded too, and fails on the test thread.
                        SSLSession session =
                            call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                        serverAsSeen.record(session);
                        super.onHeaders(h);
                      }
                    },
                    headers);
              }
            };
          }
        };
    return ClientInterceptors.intercept(managed, recordSession);
  }
}
