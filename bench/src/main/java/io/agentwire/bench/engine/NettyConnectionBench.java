package io.agentwire.bench.engine;

import io.agentwire.bench.EngineStack;
import io.agentwire.bench.SocketStack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * New connections per second to a Netty echo server ({@link NettyEcho}) from {@value #CONCURRENT}
 * concurrent Netty clients: connect, full mutually authenticated handshake in both SslHandlers, one
 * byte echoed, close. Each invocation runs {@value #CONNECTIONS} connections, starting the next as
 * soon as one ends so that {@value #CONCURRENT} are always under way (until the last ones); the
 * score is connections per second. Afterwards every connection must have been a full handshake.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NettyConnectionBench {

  /** Clients connecting at once. */
  public static final int CONCURRENT = 64;

  /** Connections per invocation. */
  public static final int CONNECTIONS = 512;

  /** The implementation under test; see {@link EngineStack#open}. */
  @Param({SocketStack.TLS13, SocketStack.AGENTWIRE})
  public String stack;

  /** {@link EngineStack#DEFAULT}, or an AEAD name. */
  @Param({EngineStack.DEFAULT})
  public String aead;

  private EngineStack peers;
  private NettyEcho netty;
  private final LongAdder connections = new LongAdder();

  @Setup(Level.Trial)
  public void start() throws Exception {
    peers = EngineStack.open(stack, aead);
    netty = new NettyEcho(peers, stack.equals(SocketStack.TLS13));
  }

  @Benchmark
  @OperationsPerInvocation(CONNECTIONS)
  public void connectHandshakeEchoClose() throws Exception {
    CountDownLatch done = new CountDownLatch(CONNECTIONS);
    AtomicInteger started = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (started.getAndIncrement() >= CONNECTIONS) {
            return;
          }
          OneEcho echo = new OneEcho();
          ChannelFuture f = netty.connect(() -> echo);
          f.channel()
              .closeFuture()
              .addListener(
                  closed -> {
                    Throwable t = echo.failure != null ? echo.failure : f.cause();
                    if (t == null && !echo.echoed) {
                      t = new IOException("closed before the echo");
                    }
                    if (t != null) {
                      failure.compareAndSet(null, t);
                    }
                    done.countDown();
                    next[0].run();
                  });
        };
    for (int i = 0; i < CONCURRENT; i++) {
      next[0].run();
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IOException(done.getCount() + " connections still open after 60 s");
    }
    connections.add(CONNECTIONS);
    Throwable t = failure.get() != null ? failure.get() : netty.serverFailure();
    if (t != null) {
      throw new IOException("A connection failed: " + t, t);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    String negotiated = netty.negotiated();
    netty.close();
    long n = connections.sum();
    peers.verifyFullHandshakes(n);
    System.out.println(
        stack + " " + aead + " (" + negotiated + "): " + n + " connections, each a full handshake");
  }

  /** Sends one byte once the handshake is done, closes once it is back. */
  private static final class OneEcho extends ChannelInboundHandlerAdapter {
    volatile boolean echoed;
    volatile Throwable failure;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent) {
        SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
        if (e.isSuccess()) {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        } else {
          failure = e.cause();
          ctx.close();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        if (b.isReadable() && b.readByte() == 1) {
          echoed = true;
          ctx.close();
        }
      } finally {
        b.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
      ctx.close();
    }
  }
}
