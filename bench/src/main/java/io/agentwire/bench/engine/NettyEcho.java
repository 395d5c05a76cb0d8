package io.agentwire.bench.engine;

import io.agentwire.bench.EngineStack;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A Netty 4.2 echo server on loopback and a Netty client for it, both with {@link SslHandler}s from
 * a {@link JdkSslContext} wrapping one {@link EngineStack}'s {@code SSLContext}, as a Netty user
 * plugs in any JSSE provider: {@code new JdkSslContext(sslContext, isClient, null,
 * IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.REQUIRE, protocols, false)}. For TLS the
 * protocols are {@code TLSv1.3} only and the suites Netty's defaults; for AgentWire both are the
 * engine's own. One NIO event loop thread serves, another connects (two cores).
 */
final class NettyEcho implements AutoCloseable {

  private final EventLoopGroup serverGroup =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup clientGroup =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final SslContext serverSsl;
  private final SslContext clientSsl;
  private final Channel server;
  private final InetSocketAddress address;
  private final AtomicReference<Throwable> serverFailure = new AtomicReference<>();
  private volatile String negotiated = "none";

  NettyEcho(EngineStack peers, boolean tls) throws Exception {
    String[] protocols = tls ? new String[] {"TLSv1.3"} : null;
    serverSsl =
        new JdkSslContext(
            peers.serverContext(),
            false,
            null,
            IdentityCipherSuiteFilter.INSTANCE,
            null,
            ClientAuth.REQUIRE,
            protocols,
            false);
    clientSsl =
        new JdkSslContext(
            peers.clientContext(),
            true,
            null,
            IdentityCipherSuiteFilter.INSTANCE,
            null,
            ClientAuth.NONE,
            protocols,
            false);
    server =
        new ServerBootstrap()
            .group(serverGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(serverSsl.newHandler(ch.alloc()), new Echo());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    address = (InetSocketAddress) server.localAddress();
  }

  /** A new client connection whose pipeline is the client SslHandler, then {@code handler}. */
  ChannelFuture connect(Supplier<ChannelHandler> handler) {
    return new Bootstrap()
        .group(clientGroup)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(
                        clientSsl.newHandler(
                            ch.alloc(), address.getHostString(), address.getPort()),
                        handler.get());
              }
            })
        .connect(address);
  }

  /** The first failure the server saw (a failed handshake, an exception), or null. */
  Throwable serverFailure() {
    return serverFailure.get();
  }

  /** The protocol and suite of the last handshake the server completed. */
  String negotiated() {
    return negotiated;
  }

  @Override
  public void close() throws InterruptedException {
    server.close().sync();
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** Writes back what it reads, flushing once per read burst. */
  @ChannelHandler.Sharable
  private final class Echo extends ChannelInboundHandlerAdapter {
    Echo() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent) {
        SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
        if (e.isSuccess()) {
          var session = ctx.pipeline().get(SslHandler.class).engine().getSession();
          negotiated = session.getProtocol() + " " + session.getCipherSuite();
        } else {
          serverFailure.compareAndSet(null, e.cause());
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      serverFailure.compareAndSet(null, cause);
      ctx.close();
    }
  }
}
