package io.agentwire.bench.engine;

import io.agentwire.bench.EngineStack;
import io.agentwire.bench.SocketStack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Bulk echo over one established connection to a Netty echo server ({@link NettyEcho}): the client
 * writes {@value #CHUNKS} messages of 16 KiB in one go and waits until all of their bytes are back.
 * Score: 16 KiB messages echoed per second; times 16,384 bytes it is MB/s in each direction (each
 * byte is encrypted and decrypted twice, once each way).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NettyEchoBench {

  /** Bytes per message. */
  public static final int CHUNK = 16 * 1024;

  /** Messages per invocation (4 MiB). */
  public static final int CHUNKS = 256;

  /** The implementation under test; see {@link EngineStack#open}. */
  @Param({SocketStack.TLS13, SocketStack.AGENTWIRE})
  public String stack;

  /** {@link EngineStack#DEFAULT}, or an AEAD name. */
  @Param({EngineStack.DEFAULT})
  public String aead;

  private EngineStack peers;
  private NettyEcho netty;
  private Channel channel;
  private final Sink sink = new Sink();
  private ByteBuf payload;

  @Setup(Level.Trial)
  public void start() throws Exception {
    byte[] bytes = new byte[CHUNK];
    new Random(1).nextBytes(bytes);
    payload = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    peers = EngineStack.open(stack, aead);
    netty = new NettyEcho(peers, stack.equals(SocketStack.TLS13));
    channel = netty.connect(() -> sink).sync().channel();
    channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
    var session = channel.pipeline().get(SslHandler.class).engine().getSession();
    System.out.println(
        stack + " " + aead + ": " + session.getProtocol() + " " + session.getCipherSuite());
  }

  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public void echo16k() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    sink.expect((long) CHUNK * CHUNKS, done);
    channel
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i < CHUNKS; i++) {
                channel.write(payload.duplicate());
              }
              channel.flush();
            });
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("The echo failed: " + e.getCause(), e.getCause());
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    channel.close().sync();
    netty.close();
    peers.verifyFullHandshakes(1);
    if (netty.serverFailure() != null) {
      throw new IllegalStateException("The server failed", netty.serverFailure());
    }
  }

  /** Counts the echoed bytes and completes the invocation's future when they are all back. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private long remaining; // event loop only, after expect's volatile write
    private volatile CompletableFuture<Void> done;

    @Override
    public boolean isSharable() {
      return true;
    }

    void expect(long bytes, CompletableFuture<Void> future) {
      remaining = bytes;
      done = future;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      remaining -= b.readableBytes();
      b.release();
      if (remaining <= 0 && done != null) {
        done.complete(null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      CompletableFuture<Void> d = done;
      if (d != null) {
        d.completeExceptionally(cause);
      }
      ctx.close();
    }
  }
}
