package io.agentwire.integrations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Netty 4.2's {@link SslHandler} on both ends, from {@link io.netty.handler.ssl.JdkSslContext}s
 * over the security's contexts: an echo server and client that agree on every byte for 1 byte, 16
 * KiB (one full record) and 1 MiB (many records, several reads and flushes), and ALPN choosing h2
 * or http/1.1 as the client offers, seen the same on both sides.
 */
@Timeout(30)
class NettyTest {

  private static EventLoopGroup group;

  private final Closer closer = new Closer();

  @BeforeAll
  static void startGroup() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopGroup() throws InterruptedException {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    closer.close();
  }

  @OverEachSecurity
  void echoesEveryByteAtEachSize(TransportSecurity security) throws Exception {
    EchoServer server = startServer(security, NettyTls.alpn());
    for (int size : new int[] {1, 16 * 1024, 1024 * 1024}) {
      byte[] sent = Payloads.bytes(size);
      Exchange x = exchange(security, server.port, NettyTls.alpn(), sent);
      assertArrayEquals(sent, x.echoed, size + " bytes echoed");
      server.seen.assertClient(security);
      Seen.assertServer(x.serverAsSeen, security);
      assertEquals("", server.alpn.poll(10, TimeUnit.SECONDS), "no ALPN was configured");
      assertEquals(null, x.alpn);
    }
  }

  @OverEachSecurity
  void alpnChoosesH2WhenTheClientOffersIt(TransportSecurity security) throws Exception {
    EchoServer server = startServer(security, NettyTls.alpn("h2", "http/1.1"));
    Exchange x =
        exchange(security, server.port, NettyTls.alpn("h2", "http/1.1"), Payloads.bytes(100));
    assertEquals("h2", x.alpn, "the client's negotiated protocol");
    assertEquals("h2", server.alpn.poll(10, TimeUnit.SECONDS), "the server's");
    server.seen.assertClient(security);
  }

  @OverEachSecurity
  void alpnFallsBackToHttp11(TransportSecurity security) throws Exception {
    EchoServer server = startServer(security, NettyTls.alpn("h2", "http/1.1"));
    Exchange x = exchange(security, server.port, NettyTls.alpn("http/1.1"), Payloads.bytes(100));
    assertEquals("http/1.1", x.alpn, "the client's negotiated protocol");
    assertEquals("http/1.1", server.alpn.poll(10, TimeUnit.SECONDS), "the server's");
    server.seen.assertClient(security);
  }

  @OverEachSecurity
  void clientRefusesAServerThatIsNotTheHostItDialed(TransportSecurity security) throws Exception {
    EchoServer server = startServer(security, NettyTls.alpn());
    Refusals.assertRefused(
        () -> exchange(security, security.otherName(), server.port, NettyTls.alpn(), new byte[1]));
  }

  /** A running echo server and what its handshakes showed. */
  private static final class EchoServer {
    final Seen seen = new Seen();
    final BlockingQueue<String> alpn = new LinkedBlockingQueue<>();
    int port;
  }

  private EchoServer startServer(TransportSecurity security, ApplicationProtocolConfig alpn)
      throws Exception {
    SslContext tls = NettyTls.server(security, alpn);
    EchoServer server = new EchoServer();
    Channel channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    SslHandler ssl = tls.newHandler(ch.alloc());
                    ssl.setHandshakeTimeoutMillis(10_000);
                    ch.pipeline()
                        .addLast(ssl)
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void userEventTriggered(
                                  ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent
                                    && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
                                  server.seen.record(ssl.engine().getSession());
                                  String p = ssl.applicationProtocol();
                                  server.alpn.add(p == null ? "" : p);
                                }
                                ctx.fireUserEventTriggered(evt);
                              }

                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.write(msg);
                              }

                              @Override
                              public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                ctx.close();
                              }
                            });
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    closer.add(channel, () -> channel.close().await(5, TimeUnit.SECONDS));
    server.port = ((InetSocketAddress) channel.localAddress()).getPort();
    return server;
  }

  /** What one client connection saw. */
  private static final class Exchange {
    byte[] echoed;
    String alpn;
    Seen.Peer serverAsSeen;
  }

  /** Connects, completes the handshake, sends {@code payload}, reads until it all came back. */
  private Exchange exchange(
      TransportSecurity security, int port, ApplicationProtocolConfig alpn, byte[] payload)
      throws Exception {
    return exchange(security, security.host(), port, alpn, payload);
  }

  /** The same, dialing {@code host}. */
  private Exchange exchange(
      TransportSecurity security,
      String host,
      int port,
      ApplicationProtocolConfig alpn,
      byte[] payload)
      throws Exception {
    SslContext tls = NettyTls.client(security, alpn);
    CompletableFuture<byte[]> echoed = new CompletableFuture<>();
    SslHandler[] handler = new SslHandler[1];
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    handler[0] = NettyTls.clientHandler(tls, ch.alloc(), host, port);
                    ByteArrayOutputStream received = new ByteArrayOutputStream();
                    ch.pipeline()
                        .addLast(handler[0])
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf b = (ByteBuf) msg;
                                try {
                                  byte[] chunk = new byte[b.readableBytes()];
                                  b.readBytes(chunk);
                                  received.write(chunk, 0, chunk.length);
                                } finally {
                                  b.release();
                                }
                                if (received.size() >= payload.length) {
                                  echoed.complete(received.toByteArray());
                                }
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                echoed.completeExceptionally(
                                    new AssertionError(
                                        "closed after " + received.size() + " bytes"));
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                echoed.completeExceptionally(t);
                                ctx.close();
                              }
                            });
                  }
                })
            .connect(host, port)
            .sync()
            .channel();
    closer.add(channel, () -> channel.close().await(5, TimeUnit.SECONDS));
    assertTrue(handler[0].handshakeFuture().await(10, TimeUnit.SECONDS), "handshake within 10 s");
    handler[0].handshakeFuture().sync();
    NettyTls.verifyHost(security, host, handler[0]);

    Exchange x = new Exchange();
    x.alpn = handler[0].applicationProtocol();
    x.serverAsSeen = Seen.Peer.of(handler[0].engine().getSession());
    channel.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
    x.echoed = echoed.get(10, TimeUnit.SECONDS);
    return x;
  }
}
