package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.socketfactory.AgentServerSocketFactory;
import io.agentwire.socketfactory.AgentSocketConfig;
import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.PeerVerifier;
import io.agentwire.testsupport.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block in README.md is compiled and run, so the samples cannot rot. Each
 * block becomes the body of {@code run(Path dir, int port, int httpsPort)}: {@code port} is an
 * AgentWire echo server and {@code httpsPort} an HTTP server over AgentWire, both on 127.0.0.1 and
 * accepting any client key.
 */
class ReadmeSamplesTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final String IMPORTS =
      String.join(
          "\n",
          "import java.io.*;",
          "import java.net.*;",
          "import java.nio.charset.StandardCharsets;",
          "import java.nio.file.*;",
          "import java.security.*;",
          "import java.util.*;",
          "import javax.crypto.*;",
          "import javax.net.ssl.*;",
          "import io.agentwire.mls.*;",
          "import io.agentwire.provider.*;",
          "import io.agentwire.provider.backend.*;",
          "import io.agentwire.provider.hpke.*;",
          "import io.agentwire.provider.noise.*;",
          "import io.agentwire.provider.ratchet.*;",
          "import io.agentwire.provider.x3dh.*;",
          "import io.agentwire.socketfactory.*;",
          "import io.agentwire.socketfactory.identity.*;");

  private static EchoServer echo;
  private static EchoServer https;

  @BeforeAll
  static void servers() throws IOException {
    AgentSocketConfig config =
        AgentSocketConfig.builder()
            .identity(AgentIdentity.generate())
            .peerVerifier(PeerVerifier.anyPeer())
            .build();
    AgentServerSocketFactory factory = new AgentServerSocketFactory(config);
    echo = new EchoServer(factory, ReadmeSamplesTest::echo);
    https = new EchoServer(factory, ReadmeSamplesTest::http);
  }

  @AfterAll
  static void stop() throws IOException {
    echo.close();
    https.close();
  }

  private static void echo(Socket s) throws IOException {
    s.getInputStream().transferTo(s.getOutputStream());
    s.shutdownOutput();
  }

  private static void http(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        break;
      }
    }
    OutputStream out = s.getOutputStream();
    out.write(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  static List<String> samples() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSampleInTheReadmeCompilesAndRuns(@TempDir Path work)
      throws IOException {
    List<String> blocks = samples();
    assertTrue(blocks.size() >= 6, "README samples found: " + blocks.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      int index = i;
      String body = blocks.get(i);
      String firstLine = body.strip().split("\n")[0];
      tests.add(
          DynamicTest.dynamicTest(
              "sample " + (index + 1) + ": " + firstLine,
              () -> compileAndRun(work.resolve("sample" + index), index, body)));
    }
    return tests.stream();
  }

  private static void compileAndRun(Path dir, int index, String body) throws Exception {
    Files.createDirectories(dir);
    String className = "ReadmeSample" + index;
    String source =
        IMPORTS
            + "\npublic class "
            + className
            + " {\n  public static void run(Path dir, int port, int httpsPort) throws Exception {\n"
            + body
            + "\n  }\n}\n";
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    int rc =
        javac
                .getTask(
                    diagnostics,
                    null,
                    null,
                    List.of(
                        "-classpath",
                        System.getProperty("java.class.path"),
                        "-d",
                        dir.toString(),
                        "-proc:none",
                        "-nowarn"),
                    null,
                    javac
                        .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjects(file))
                .call()
            ? 0
            : 1;
    assertEquals(0, rc, "README sample " + (index + 1) + " does not compile:\n" + diagnostics);
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {dir.toUri().toURL()}, ReadmeSamplesTest.class.getClassLoader())) {
      Method run = loader.loadClass(className).getMethod("run", Path.class, int.class, int.class);
      try {
        run.invoke(null, dir, echo.port(), https.port());
      } catch (InvocationTargetException e) {
        throw new AssertionError(
            "README sample " + (index + 1) + " failed: " + e.getCause(), e.getCause());
      }
    }
  }
}
