package io.agentwire.testsupport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A man in the middle for tests: accepts one TCP connection on loopback, connects it to {@code
 * targetPort}, and copies each direction on its own thread through a {@link Direction} that may
 * alter the bytes. When a direction ends (its source ended, or the {@link Direction} stopped) the
 * proxy half-closes the destination, so the receiver sees a clean TCP EOF, and keeps draining the
 * source, so nobody gets a reset for data the proxy left unread.
 */
public final class MitmProxy implements AutoCloseable {

  /** Copies one direction, altered at will; returning ends that direction with a TCP FIN. */
  public interface Direction {
    void pump(InputStream in, OutputStream out) throws IOException;
  }

  /** Edits a stream of frames cut as a {@link FrameFormat} says. */
  public interface FrameEditor {
    /**
     * @param index the frame's position in this direction, from 0
     * @param frame the whole frame, header included
     * @return the byte strings to send in its place, or {@code null} to end the stream here
     */
    List<byte[]> edit(int index, byte[] frame);
  }

  /**
   * How a stream is cut into frames. The caller supplies it, so this module knows no wire format: a
   * fixed-size header, then as many body bytes as the header announces.
   */
  public interface FrameFormat {
    /** The bytes in front of every frame body. */
    int headerBytes();

    /** The body length the header in {@code header[0, headerBytes())} announces. */
    int bodyLength(byte[] header);

    /**
     * Frames whose {@code headerBytes}-byte header ends in the body's big-endian u16 length: 2 for
     * a bare length prefix, 5 for a TLS-shaped record header.
     */
    static FrameFormat endingInU16Length(int headerBytes) {
      if (headerBytes < 2) {
        throw new IllegalArgumentException("a header of " + headerBytes + " bytes");
      }
      return new FrameFormat() {
        @Override
        public int headerBytes() {
          return headerBytes;
        }

        @Override
        public int bodyLength(byte[] h) {
          return ((h[headerBytes - 2] & 0xff) << 8) | (h[headerBytes - 1] & 0xff);
        }
      };
    }
  }

  public static Direction pass() {
    return (in, out) -> in.transferTo(out);
  }

  /** XORs {@code mask} into the byte at {@code offset}. */
  public static Direction flip(long offset, int mask) {
    return (in, out) -> {
      byte[] buf = new byte[8192];
      long pos = 0;
      int n;
      while ((n = in.read(buf)) != -1) {
        if (offset >= pos && offset < pos + n) {
          buf[(int) (offset - pos)] ^= (byte) mask;
        }
        pos += n;
        out.write(buf, 0, n);
      }
    };
  }

  /** Forwards the first {@code length} bytes, then ends the stream (TCP FIN, no close record). */
  public static Direction truncateAt(long length) {
    return (in, out) -> {
      byte[] buf = new byte[8192];
      long pos = 0;
      while (pos < length) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, length - pos));
        if (n == -1) {
          return;
        }
        out.write(buf, 0, n);
        pos += n;
      }
    };
  }

  /**
   * Edits the stream frame by frame (see {@link FrameEditor}), cutting it into frames as {@code
   * format} says.
   */
  public static Direction frames(FrameFormat format, FrameEditor editor) {
    return (in, out) -> {
      int headerBytes = format.headerBytes();
      for (int index = 0; ; index++) {
        byte[] frame;
        try {
          byte[] header = new byte[headerBytes];
          int first = in.read();
          if (first == -1) {
            return;
          }
          header[0] = (byte) first;
          if (in.readNBytes(header, 1, headerBytes - 1) < headerBytes - 1) {
            throw new EOFException();
          }
          int length = format.bodyLength(header);
          frame = Arrays.copyOf(header, headerBytes + length);
          if (in.readNBytes(frame, headerBytes, length) < length) {
            throw new EOFException();
          }
        } catch (EOFException e) {
          return; // the sender ended inside a frame: so does the receiver
        }
        List<byte[]> replacement = editor.edit(index, frame);
        if (replacement == null) {
          return;
        }
        for (byte[] b : replacement) {
          out.write(b);
        }
      }
    };
  }

  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  public MitmProxy(int targetPort, Direction clientToServer, Direction serverToClient)
      throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                Socket client = listener.accept();
                sockets.add(client);
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(server);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                CountDownLatch done = new CountDownLatch(2);
                start(client, server, clientToServer, done, "c2s");
                start(server, client, serverToClient, done, "s2c");
                done.await();
                client.close();
                server.close();
              } catch (IOException | InterruptedException e) {
                // the test ended first
              }
            },
            "mitm-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  private void start(Socket src, Socket dst, Direction d, CountDownLatch done, String name) {
    Thread t =
        new Thread(
            () -> {
              try {
                d.pump(src.getInputStream(), dst.getOutputStream());
              } catch (IOException e) {
                // the source or destination went away: end this direction as it stands
              }
              try {
                dst.shutdownOutput();
              } catch (IOException e) {
                // already gone
              }
              try {
                InputStream in = src.getInputStream();
                byte[] sink = new byte[8192];
                while (in.read(sink) != -1) {
                  // drain so closing never resets the sender
                }
              } catch (IOException e) {
                // reset or closed
              }
              done.countDown();
            },
            "mitm-" + name + "-" + listener.getLocalPort());
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}
