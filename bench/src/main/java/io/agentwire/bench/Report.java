package io.agentwire.bench;

import io.agentwire.bench.comparison.Comparison;
import io.agentwire.bench.comparison.ComparisonJson;
import io.agentwire.bench.comparison.ComparisonSvg;
import io.agentwire.bench.comparison.ComparisonTable;
import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.BackendHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints Markdown tables with each result beside its alternatives and the
 * ratios. Arguments:
 *
 * <ul>
 *   <li>{@code --compare} (the default when no other suite is named, so {@code --quick} alone runs
 *       it): the side-by-side comparison, one table of AgentWire (pure Java and native) against
 *       SunJSSE TLS 1.3 and noise-java, for connection setup on loopback, in-memory handshakes per
 *       second and bulk throughput at 1, 16 and 64 KiB writes, with each one's speed relative to
 *       TLS; also written as {@code comparison.json}, {@code comparison.svg} and {@code
 *       comparison.md} to {@code --out DIR} (default {@code bench/results}). See {@link
 *       Comparison}.
 *   <li>{@code --noise}: AgentWire vs noise-java and the JDK (transport and handshakes).
 *   <li>{@code --native}: the backends side by side.
 *   <li>{@code --sockets}: secure sockets on loopback, time per new connection and bulk MB/s at 16
 *       KiB writes, one column per {@link SocketStack}.
 *   <li>{@code --engines}: the {@code SSLEngine} comparison, AgentWire's engine against SunJSSE TLS
 *       1.3's in the same run: an engine pair in memory ({@code engine.EngineBench}), Netty's
 *       SslHandler on loopback ({@code NettyConnectionBench}, {@code NettyEchoBench}) and the JDK's
 *       HttpClient against its HttpsServer ({@code HttpBench}), with ratios and the targets of the
 *       issue; also written as {@code engines.md} to {@code --out DIR}. {@code --forks N} sets the
 *       forks per benchmark and stack (default 3, 1 with {@code --quick}).
 *   <li>{@code --mls}: AgentWire's MLS against bcmls 1.84 in the same run (commits, joins,
 *       application messages and the big-add trap at 2 to 10,000 members), written as {@code
 *       mls.md} to {@code --out DIR}; {@code --mls-sizes 2,16,128} picks the group sizes. See
 *       {@code mls.MlsReport}.
 *   <li>{@code --all}: {@code --noise}, {@code --native} and {@code --sockets} (not {@code
 *       --compare}, which repeats parts of them, nor {@code --engines}).
 *   <li>{@code --quick}: shorter runs with wider errors; {@code --compare --quick} takes under a
 *       minute on two cores.
 * </ul>
 */
public final class Report {

  private Report() {}

  /** Where {@code --compare} writes its files unless {@code --out} says otherwise. */
  static final String DEFAULT_OUT = "bench/results";

  /** The AEAD every compared stack uses: TLS's preferred suite, and Noise AESGCM. */
  static final String COMPARE_AEAD = "AES_256_GCM";

  /** The Noise protocol of the in-memory handshakes; the one the AgentWire sockets run too. */
  static final String COMPARE_PROTOCOL = "Noise_XX_25519_AESGCM_SHA256";

  static final String NOISE_JAVA = "noise-java";

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    boolean quick = a.contains("--quick");
    boolean all = a.contains("--all");
    boolean nativeAccel = all || a.contains("--native");
    boolean sockets = all || a.contains("--sockets");
    boolean noise = all || a.contains("--noise");
    boolean ratchet = all || a.contains("--ratchet");
    boolean engines = a.contains("--engines");
    boolean mls = a.contains("--mls");
    boolean compare =
        a.contains("--compare")
            || (!noise && !nativeAccel && !sockets && !ratchet && !engines && !mls);
    Path out = Path.of(DEFAULT_OUT);
    int forks = quick ? 1 : 3;
    List<Integer> mlsSizes = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[++i]);
      } else if (args[i].startsWith("--out=")) {
        out = Path.of(args[i].substring("--out=".length()));
      } else if (args[i].equals("--forks") && i + 1 < args.length) {
        forks = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--mls-sizes") && i + 1 < args.length) {
        mlsSizes = new ArrayList<>();
        for (String n : args[++i].split(",")) {
          mlsSizes.add(Integer.parseInt(n.trim()));
        }
      }
    }
    if (compare) {
      compare(quick, out);
    }
    if (engines) {
      io.agentwire.bench.engine.EngineReport.run(quick, forks, out);
    }
    if (mls) {
      // One fork per cell unless asked: the 10,000-member trials build their groups in each fork.
      boolean forksGiven = a.contains("--forks");
      io.agentwire.bench.mls.MlsReport.run(quick, forksGiven ? forks : 1, out, mlsSizes);
    }
    if (!noise && !nativeAccel && !sockets && !ratchet) {
      return;
    }
    ChainedOptionsBuilder opts =
        options()
            .warmupIterations(quick ? 2 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 5)
            .measurementTime(TimeValue.seconds(1));
    if (noise) {
      opts.include(HandshakeBench.class.getName()).include(TransportBench.class.getName());
    }
    if (nativeAccel) {
      opts.include(BackendBench.class.getName()).include(NativeHandshakeBench.class.getName());
    }
    if (sockets) {
      opts.include(ConnectionBench.class.getName()).include(method(BulkBench.class, "write16k"));
    }
    if (ratchet) {
      opts.include(RatchetBench.class.getName());
    }
    Collection<RunResult> results = new Runner(opts.build()).run();
    System.out.println();
    System.out.println(
        "JVM: "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version()
            + "; agentwire.native="
            + System.getProperty("agentwire.native", "auto"));
    if (noise) {
      noiseTable(results);
    }
    if (nativeAccel) {
      backendTable(results);
    }
    if (sockets) {
      socketsTable(results);
    }
    if (ratchet) {
      ratchetTable(results);
    }
  }

  /** Double Ratchet messages per second per profile, and as a ratio to the Noise transport's. */
  private static void ratchetTable(Collection<RunResult> results) {
    Map<String, double[]> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (className(r).equals("RatchetBench")) {
        var p = r.getParams();
        scores.put(benchmark(r) + "|" + p.getParam("size") + "|" + p.getParam("impl"), score(r));
      }
    }
    System.out.println();
    System.out.println(
        "| messages (encrypt + decrypt) | size | profile | messages/s | / Noise transport |");
    System.out.println("|---|---|---|---|---|");
    for (var e : scores.entrySet()) {
      String[] k = e.getKey().split("\\|");
      double[] base = scores.get(k[0] + "|" + k[1] + "|" + RatchetBench.NOISE_TRANSPORT);
      System.out.printf(
          "| %s | %s B | %s | %,.0f | %s |%n",
          k[0], k[1], k[2], e.getValue()[0], ratio(e.getValue(), base));
    }
  }

  /**
   * One fork per benchmark and parameter set, with this JVM's {@code agentwire.native} (and {@code
   * agentwire.sodium.path}, if set) passed on.
   */
  public static ChainedOptionsBuilder options() {
    List<String> jvmArgs = new ArrayList<>();
    jvmArgs.add("--enable-native-access=ALL-UNNAMED");
    jvmArgs.add("-Dagentwire.native=" + System.getProperty("agentwire.native", "auto"));
    String sodium = System.getProperty("agentwire.sodium.path");
    if (sodium != null) {
      jvmArgs.add("-Dagentwire.sodium.path=" + sodium);
    }
    return new OptionsBuilder().forks(1).jvmArgsPrepend(jvmArgs.toArray(new String[0]));
  }

  /** A regex for exactly one benchmark method, as JMH's include matches it. */
  public static String method(Class<?> benchmark, String... methods) {
    return "^" + Pattern.quote(benchmark.getName() + ".") + "(" + String.join("|", methods) + ")$";
  }

  /**
   * One JMH run per group with its own warm-up, each benchmark and stack in its own fork. TLS gets
   * the longer warm-ups: SunEC's P-256 code reaches steady state only after several seconds (about
   * 1500 handshakes) of JIT compilation, and SSLSocket's bulk path after a few, where the Noise
   * stacks take one or two; a common, shorter warm-up would flatter AgentWire. Then the table,
   * JSON, SVG and Markdown.
   */
  private static void compare(boolean quick, Path out) throws RunnerException, IOException {
    long started = System.nanoTime();
    List<String> notes = new ArrayList<>();
    // Without a usable native backend the native forks would only fail: leave them out, say why.
    boolean nativeUsable;
    try {
      BackendHealth health = AgentWireProvider.health();
      nativeUsable = health.mode().equals("off") || health.nativeInUse();
      if (!nativeUsable) {
        notes.add("AgentWire native: not measured; " + health.nativeStatus());
      }
    } catch (RuntimeException e) { // agentwire.native=require here, and no native backend
      nativeUsable = false;
      notes.add("AgentWire native: not measured; " + e.getMessage());
    }
    String[] noiseStacks =
        nativeUsable
            ? new String[] {SocketStack.AGENTWIRE_JAVA, SocketStack.AGENTWIRE}
            : new String[] {SocketStack.AGENTWIRE_JAVA};
    String[] noiseHandshakeImpls =
        nativeUsable
            ? new String[] {
              HandshakeBench.AGENTWIRE_JAVA, HandshakeBench.AGENTWIRE_NATIVE, NOISE_JAVA
            }
            : new String[] {HandshakeBench.AGENTWIRE_JAVA, NOISE_JAVA};
    String connection = method(ConnectionBench.class, "connectHandshakeEcho");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("forks", "1 per benchmark and stack");
    List<RunResult> results = new ArrayList<>();

    Timing tlsHandshakes = quick ? new Timing(4, 700, 3, 400) : new Timing(10, 1000, 5, 1000);
    Timing noiseHandshakes = quick ? new Timing(2, 400, 3, 300) : new Timing(5, 1000, 5, 1000);
    Timing tlsBulk = quick ? new Timing(5, 350, 3, 250) : new Timing(8, 1000, 5, 1000);
    Timing noiseBulk = quick ? new Timing(2, 350, 3, 250) : new Timing(4, 1000, 5, 1000);
    settings.put("TLS handshakes and connections", tlsHandshakes.toString());
    settings.put("Noise handshakes and connections", noiseHandshakes.toString());
    settings.put("TLS throughput", tlsBulk.toString());
    settings.put("AgentWire throughput", noiseBulk.toString());
    String bulk = method(BulkBench.class, "write1k", "write16k", "write64k");

    results.addAll(
        run(
            tlsHandshakes
                .apply(options())
                .include(connection)
                .include(method(TlsHandshakeBench.class, "handshake"))
                .param("stack", SocketStack.TLS13)
                .param("aead", COMPARE_AEAD)));
    results.addAll(
        run(
            noiseHandshakes
                .apply(options())
                .include(connection)
                .include(method(HandshakeBench.class, "handshake"))
                .param("stack", noiseStacks)
                .param("aead", COMPARE_AEAD)
                .param("impl", noiseHandshakeImpls)
                .param("protocol", COMPARE_PROTOCOL)));
    results.addAll(
        run(
            tlsBulk
                .apply(options())
                .include(bulk)
                .param("stack", SocketStack.TLS13)
                .param("aead", COMPARE_AEAD)));
    results.addAll(
        run(
            noiseBulk
                .apply(options())
                .include(bulk)
                .param("stack", noiseStacks)
                .param("aead", COMPARE_AEAD)));

    Comparison c = comparison(results, environment(quick, settings), notes);
    List<String> missing = new ArrayList<>();
    for (Comparison.Row row : c.rows()) {
      for (Comparison.Stack stack : c.stacks()) {
        boolean expected =
            (nativeUsable || !stack.id().equals(SocketStack.AGENTWIRE))
                && (row.id().equals("handshakes") || !stack.id().equals(NOISE_JAVA));
        if (expected && row.get(stack.id()) == null) {
          missing.add(stack.name() + " in \"" + row.label() + "\"");
        }
      }
    }
    if (!missing.isEmpty()) {
      notes.add(
          "No result (the benchmark failed; JMH printed why above): " + String.join(", ", missing));
      c = comparison(results, c.environment(), notes);
    }
    String table = ComparisonTable.markdown(c);
    System.out.println();
    System.out.println(table);
    System.out.println(ComparisonTable.caption(c));
    c.notes().forEach(System.out::println);
    Files.createDirectories(out);
    Files.writeString(out.resolve("comparison.json"), ComparisonJson.write(c));
    Files.writeString(out.resolve("comparison.svg"), ComparisonSvg.write(c));
    Files.writeString(
        out.resolve("comparison.md"),
        table + "\n" + ComparisonTable.caption(c) + "\n\n" + String.join("\n", c.notes()) + "\n",
        StandardCharsets.UTF_8);
    System.out.printf(
        "%nWrote comparison.json, comparison.svg and comparison.md to %s (%.0f s)%n",
        out.toAbsolutePath(), (System.nanoTime() - started) / 1e9);
  }

  /** Warm-up and measurement iterations and their lengths in milliseconds. */
  public record Timing(int warmups, int warmupMillis, int iterations, int iterationMillis) {

    public ChainedOptionsBuilder apply(ChainedOptionsBuilder o) {
      return o.warmupIterations(warmups)
          .warmupTime(TimeValue.milliseconds(warmupMillis))
          .measurementIterations(iterations)
          .measurementTime(TimeValue.milliseconds(iterationMillis));
    }

    @Override
    public String toString() {
      return "warm-up "
          + warmups
          + " x "
          + warmupMillis
          + " ms, measurement "
          + iterations
          + " x "
          + iterationMillis
          + " ms";
    }
  }

  public static Collection<RunResult> run(ChainedOptionsBuilder o) throws RunnerException {
    // A failed benchmark (a missing library, a check in its teardown) leaves its cell empty and is
    // named under the table; the rest of the comparison still runs.
    return new Runner(o.build()).run();
  }

  /** The comparison's rows from JMH's results; see {@link Comparison} for the ratios. */
  static Comparison comparison(
      Collection<RunResult> results, Comparison.Environment env, List<String> extraNotes) {
    Map<String, Comparison.Measurement> connection = new LinkedHashMap<>();
    Map<String, Comparison.Measurement> handshakes = new LinkedHashMap<>();
    Map<String, Map<String, Comparison.Measurement>> bulk = new LinkedHashMap<>();
    for (String m : List.of("write1k", "write16k", "write64k")) {
      bulk.put(m, new LinkedHashMap<>());
    }
    for (RunResult r : results) {
      var params = r.getParams();
      double[] v = score(r);
      switch (className(r)) {
        case "ConnectionBench" ->
            connection.put(params.getParam("stack"), new Comparison.Measurement(v[0], v[1]));
        case "TlsHandshakeBench" ->
            handshakes.put(SocketStack.TLS13, new Comparison.Measurement(v[0], v[1]));
        case "HandshakeBench" -> {
          String stack =
              switch (params.getParam("impl")) {
                case HandshakeBench.AGENTWIRE_JAVA -> SocketStack.AGENTWIRE_JAVA;
                case HandshakeBench.AGENTWIRE_NATIVE -> SocketStack.AGENTWIRE;
                default -> params.getParam("impl");
              };
          handshakes.put(stack, new Comparison.Measurement(v[0], v[1]));
        }
        case "BulkBench" -> {
          // writes per second to MB/s (10^6 bytes)
          double bytes = BulkBench.WRITE_SIZES.get(benchmark(r));
          bulk.get(benchmark(r))
              .put(
                  params.getParam("stack"),
                  new Comparison.Measurement(v[0] * bytes / 1e6, v[1] * bytes / 1e6));
        }
        default -> {}
      }
    }
    List<Comparison.Row> rows = new ArrayList<>();
    rows.add(
        new Comparison.Row(
            "connection",
            "Connection setup (connect, handshake, 1-byte echo; loopback)",
            "ms",
            false,
            connection));
    rows.add(
        new Comparison.Row(
            "handshakes", "Handshakes per second, in memory (both sides)", "/s", true, handshakes));
    rows.add(
        new Comparison.Row(
            "throughput-1k",
            "Throughput, 1 KiB writes (loopback)",
            "MB/s",
            true,
            bulk.get("write1k")));
    rows.add(
        new Comparison.Row(
            "throughput-16k",
            "Throughput, 16 KiB writes (loopback)",
            "MB/s",
            true,
            bulk.get("write16k")));
    rows.add(
        new Comparison.Row(
            "throughput-64k",
            "Throughput, 64 KiB writes (loopback)",
            "MB/s",
            true,
            bulk.get("write64k")));
    return new Comparison(
        "AgentWire vs SunJSSE TLS 1.3 (mutual, P-256) vs noise-java",
        env,
        SocketStack.TLS13,
        List.of(
            new Comparison.Stack(SocketStack.TLS13, "TLS 1.3"),
            new Comparison.Stack(SocketStack.AGENTWIRE_JAVA, "AgentWire pure Java"),
            new Comparison.Stack(SocketStack.AGENTWIRE, "AgentWire native"),
            new Comparison.Stack(NOISE_JAVA, "noise-java")),
        rows,
        notes(
            extraNotes,
            "TLS 1.3: SunJSSE, TLS_AES_256_GCM_SHA384, mutual authentication with P-256"
                + " certificates, no resumption (every handshake checked to be a full one).",
            "AgentWire: "
                + COMPARE_PROTOCOL
                + ", mutual (each side pins the other's key); pure Java is"
                + " -Dagentwire.native=off, native is -Dagentwire.native=require (libsodium).",
            "noise-java: the same Noise protocol, in memory only (it has no sockets).",
            "Throughput: one connection, the server acknowledges every 4 MiB; MB = 10^6 bytes."));
  }

  private static List<String> notes(List<String> extra, String... fixed) {
    List<String> all = new ArrayList<>(List.of(fixed));
    all.addAll(extra);
    return all;
  }

  /** Date, JDK, CPU and OS of this JVM (the forks run the same java). */
  static Comparison.Environment environment(boolean quick, Map<String, String> settings) {
    String nativeStatus;
    try {
      nativeStatus = AgentWireProvider.health().nativeStatus();
    } catch (RuntimeException e) {
      nativeStatus = "not usable: " + e.getMessage();
    }
    return new Comparison.Environment(
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        Runtime.version().toString(),
        System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.vendor") + ")",
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        nativeStatus,
        quick ? "quick" : "full",
        settings);
  }

  /** The CPU's model name from /proc/cpuinfo, or the architecture where there is none. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).trim();
        if (key.equals("model name") || key.equals("Model") || key.equals("Hardware")) {
          String value = line.substring(colon + 1).trim();
          if (!value.isEmpty()) {
            return value;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: fall through
    }
    return System.getProperty("os.arch");
  }

  public static String benchmark(RunResult r) {
    String b = r.getParams().getBenchmark();
    return b.substring(b.lastIndexOf('.') + 1);
  }

  public static String className(RunResult r) {
    String b = r.getParams().getBenchmark();
    String[] parts = b.split("\\.");
    return parts[parts.length - 2];
  }

  private static void noiseTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    for (RunResult r : results) {
      String cls = className(r);
      if (!cls.equals("HandshakeBench") && !cls.equals("TransportBench")) {
        continue;
      }
      var params = r.getParams();
      String key =
          cls
              + (params.getParam("cipher") != null
                  ? " " + params.getParam("cipher") + " " + params.getParam("size") + " B"
                  : " " + params.getParam("protocol"));
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(params.getParam("impl"), score(r));
    }
    System.out.println();
    System.out.println(
        "| benchmark | AgentWire | noise-java | JDK cipher alone | AgentWire / noise-java |"
            + " AgentWire / JDK |");
    System.out.println("|---|---|---|---|---|---|");
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      int size = sizeOf(e.getKey());
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          cell(m.get("agentwire"), size),
          cell(m.get("noise-java"), size),
          cell(m.get("jdk"), size),
          ratio(m.get("agentwire"), m.get("noise-java")),
          ratio(m.get("agentwire"), m.get("jdk")));
    }
  }

  private static void backendTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    Map<String, double[]> handshakes = new LinkedHashMap<>();
    for (RunResult r : results) {
      String cls = className(r);
      if (cls.equals("NativeHandshakeBench")) {
        handshakes.put(benchmark(r), score(r));
        continue;
      }
      if (!cls.equals("BackendBench")) {
        continue;
      }
      String size = r.getParams().getParam("size");
      String key = benchmark(r) + (size == null ? "" : " " + size + " B");
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .put(r.getParams().getParam("backend"), score(r));
    }
    System.out.println();
    System.out.println(
        "| operation | auto (default) | libsodium | pure Java | JDK provider | libsodium / JDK |"
            + " auto / best single backend |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      int size = sizeOf(e.getKey());
      double[] best = better(m.get("native"), m.get("pure-java"));
      System.out.printf(
          "| %s | %s | %s | %s | %s | %s | %s |%n",
          e.getKey(),
          cell(m.get("auto"), size),
          cell(m.get("native"), size),
          cell(m.get("pure-java"), size),
          cell(m.get("jdk"), size),
          ratio(m.get("native"), m.get("jdk")),
          ratio(m.get("auto"), best));
    }
    if (!handshakes.isEmpty()) {
      System.out.printf(
          "| Noise XX handshake (25519, ChaChaPoly, BLAKE2b) | %s | | %s | | | auto / pure Java %s |%n",
          cell(handshakes.get("xxAuto"), 0),
          cell(handshakes.get("xxPureJava"), 0),
          ratio(handshakes.get("xxAuto"), handshakes.get("xxPureJava")));
    }
  }

  /**
   * One row per benchmark and AEAD, one column per socket stack (TLS first, then the others in the
   * order their results came), then each other stack's speed relative to TLS (above 1: faster).
   */
  private static void socketsTable(Collection<RunResult> results) {
    Map<String, Map<String, double[]>> rows = new LinkedHashMap<>();
    Set<String> stacks = new LinkedHashSet<>(List.of(SocketStack.TLS13));
    for (RunResult r : results) {
      String cls = className(r);
      if (!cls.equals("ConnectionBench") && !cls.equals("BulkBench")) {
        continue;
      }
      var params = r.getParams();
      String key =
          cls.equals("ConnectionBench")
              ? "new connection (mutual auth, 1-byte echo) " + params.getParam("aead")
              : BulkBench.WRITE_SIZES.get(benchmark(r)) / 1024
                  + " KiB writes "
                  + params.getParam("aead");
      stacks.add(params.getParam("stack"));
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(params.getParam("stack"), score(r));
    }
    List<String> others = new ArrayList<>(stacks);
    others.remove(SocketStack.TLS13);
    StringBuilder header = new StringBuilder("| benchmark |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String stack : stacks) {
      header.append(' ').append(stack).append(" |");
      rule.append("---|");
    }
    for (String stack : others) {
      header.append(' ').append(stack).append(" vs ").append(SocketStack.TLS13).append(" |");
      rule.append("---|");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    for (var e : rows.entrySet()) {
      Map<String, double[]> m = e.getValue();
      boolean perConnection = e.getKey().startsWith("new connection");
      StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
      for (String stack : stacks) {
        row.append(' ')
            .append(
                perConnection
                    ? milliseconds(m.get(stack))
                    : cell(m.get(stack), kibibytes(e.getKey()) * 1024))
            .append(" |");
      }
      for (String stack : others) {
        row.append(' ')
            .append(
                perConnection
                    ? ratio(m.get(SocketStack.TLS13), m.get(stack))
                    : ratio(m.get(stack), m.get(SocketStack.TLS13)))
            .append(" |");
      }
      System.out.println(row);
    }
  }

  private static String milliseconds(double[] v) {
    return v == null ? "-" : String.format("%.3f ms ±%.0f%%", v[0], 100 * v[1] / v[0]);
  }

  private static double[] score(RunResult r) {
    var s = r.getPrimaryResult();
    return new double[] {s.getScore(), s.getScoreError()};
  }

  private static double[] better(double[] a, double[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a[0] >= b[0] ? a : b;
  }

  /** The leading number of a key such as {@code 16 KiB writes AES_256_GCM}. */
  private static int kibibytes(String key) {
    return Integer.parseInt(key.substring(0, key.indexOf(' ')));
  }

  private static int sizeOf(String key) {
    return key.matches(".* \\d+ B") ? Integer.parseInt(key.replaceAll(".* (\\d+) B", "$1")) : 0;
  }

  private static String cell(double[] v, int size) {
    if (v == null) {
      return "-";
    }
    if (size > 0) {
      return String.format("%.0f MB/s ±%.0f%%", v[0] * size / 1e6, 100 * v[1] / v[0]);
    }
    return String.format("%.0f /s ±%.0f%%", v[0], 100 * v[1] / v[0]);
  }

  private static String ratio(double[] a, double[] b) {
    return a == null || b == null ? "-" : String.format("%.2fx", a[0] / b[0]);
  }
}
