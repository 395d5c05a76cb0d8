package io.agentwire.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of {@code docs/ARCHITECTURE.md}, checked on the production classes of every
 * module:
 *
 * <ul>
 *   <li>modules depend one way: native-accel, provider, socket-factory, cli; native-accel only
 *       implements the provider's backend interface, which the provider finds through
 *       ServiceLoader;
 *   <li>each package uses only the AgentWire packages {@link #ALLOWED} lists for it, so a new
 *       dependency between concepts is a deliberate edit here;
 *   <li>a concept's {@code internal} package is used only by that concept (and by the provider's
 *       wiring, which registers every concept's services);
 *   <li>no package is split across modules, and bench uses only public API and its own code.
 * </ul>
 */
class ArchitectureTest {

  private static final String P = "io.agentwire.provider";
  private static final String S = "io.agentwire.socketfactory";
  private static final String M = "io.agentwire.mls";
  private static final String GENERATED = ".jmh_generated";
  private static final String TEST_SUPPORT = "io.agentwire.testsupport";

  /**
   * Every production package and the other AgentWire packages it may use. A package missing here
   * fails {@link #everyPackageHasItsRule}. {@code ..} at the end means the package and its
   * subpackages.
   */
  static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

  static {
    // provider: the root (registration, health) and its wiring see every concept.
    ALLOWED.put(P, List.of(P + ".."));
    ALLOWED.put(P + ".internal", List.of(P + ".."));
    // shared KDF and encoding helpers, under every concept.
    ALLOWED.put(P + ".shared.internal", List.of(P + ".backend", P + ".backend.internal"));
    // the backend interface, and CryptoBackends, which hands out the pure-Java and routed backends.
    ALLOWED.put(P + ".backend", List.of(P + ".backend.internal"));
    ALLOWED.put(P + ".backend.internal", List.of(P + ".backend", P + ".shared.internal"));
    ALLOWED.put(P + ".xec", List.of(P + ".backend", P + ".shared.internal", P + ".xec.internal"));
    ALLOWED.put(
        P + ".xec.internal",
        List.of(P + ".backend", P + ".backend.internal", P + ".shared.internal", P + ".xec"));
    ALLOWED.put(
        P + ".noise",
        List.of(P + ".backend", P + ".shared.internal", P + ".internal", P + ".noise.internal"));
    ALLOWED.put(
        P + ".noise.internal",
        List.of(
            P + ".backend",
            P + ".backend.internal",
            P + ".shared.internal",
            P + ".xec",
            P + ".noise"));
    ALLOWED.put(
        P + ".ratchet",
        List.of(P + ".backend", P + ".shared.internal", P + ".internal", P + ".ratchet.internal"));
    ALLOWED.put(
        P + ".ratchet.internal",
        List.of(
            P + ".backend",
            P + ".backend.internal",
            P + ".shared.internal",
            P + ".xec",
            P + ".ratchet"));
    ALLOWED.put(
        P + ".x3dh",
        List.of(
            P + ".backend", P + ".shared.internal", P + ".internal", P + ".ratchet", P + ".xec"));
    ALLOWED.put(
        P + ".x3dh.internal",
        List.of(
            P + ".backend",
            P + ".backend.internal",
            P + ".shared.internal",
            P + ".xec",
            P + ".ratchet",
            P + ".x3dh"));
    // Signal v3 compatibility plugs a profile into the ratchet and into X3DH: the one place that
    // may use both concepts' internals.
    ALLOWED.put(
        P + ".signal.internal",
        List.of(
            P + ".backend",
            P + ".backend.internal",
            P + ".shared.internal",
            P + ".xec",
            P + ".ratchet",
            P + ".ratchet.internal",
            P + ".x3dh",
            P + ".x3dh.internal"));
    // HPKE (RFC 9180): a provider service over the backend's X25519/X448 and ChaCha20-Poly1305.
    ALLOWED.put(
        P + ".hpke",
        List.of(P + ".backend", P + ".shared.internal", P + ".internal", P + ".hpke.internal"));
    ALLOWED.put(
        P + ".hpke.internal",
        List.of(
            P + ".backend",
            P + ".backend.internal",
            P + ".shared.internal",
            P + ".xec",
            P + ".hpke"));
    // native-accel implements the backend interface and nothing else of the provider's.
    ALLOWED.put("io.agentwire.nativeaccel", List.of(P + ".backend"));
    // socket-factory: the JSSE surface, identities and trust, the I/O-free protocol core, and the
    // socket adapters that drive it.
    List<String> providerApi = List.of(P, P + ".backend", P + ".noise", P + ".xec");
    ALLOWED.put(S, concat(providerApi, S + ".identity", S + ".internal"));
    ALLOWED.put(S + ".identity", providerApi);
    ALLOWED.put(S + ".internal.protocol", concat(providerApi, S, S + ".identity"));
    ALLOWED.put(S + ".internal", concat(providerApi, S, S + ".identity", S + ".internal.protocol"));
    // the non-blocking server: engines from an SSLContext, over the public socket-factory API.
    ALLOWED.put(S + ".server", List.of(S, S + ".identity"));
    // mls: RFC 9420 groups over the provider's public API; its internals serve only itself.
    List<String> mlsProviderApi = List.of(P, P + ".backend", P + ".hpke", P + ".xec");
    ALLOWED.put(M, concat(mlsProviderApi, M + ".internal.."));
    for (String layer :
        List.of("codec", "crypto", "message", "tree", "schedule", "framing", "group")) {
      ALLOWED.put(M + ".internal." + layer, concat(mlsProviderApi, M, M + ".internal.."));
    }
    // the command line and the benchmarks: public API only.
    List<String> publicApi =
        List.of(
            P,
            P + ".backend",
            P + ".noise",
            P + ".ratchet",
            P + ".x3dh",
            P + ".xec",
            S,
            S + ".identity",
            S + ".server",
            P + ".hpke",
            M);
    ALLOWED.put("io.agentwire.cli", publicApi);
    ALLOWED.put(
        "io.agentwire.bench",
        concat(
            publicApi,
            "io.agentwire.bench.comparison",
            "io.agentwire.bench.engine",
            "io.agentwire.bench.mls"));
    ALLOWED.put("io.agentwire.bench.engine", concat(publicApi, "io.agentwire.bench"));
    // AgentWire's MLS beside bcmls (an outside library): the public io.agentwire.mls API only.
    ALLOWED.put("io.agentwire.bench.mls", concat(publicApi, "io.agentwire.bench"));
    ALLOWED.put("io.agentwire.bench.comparison", List.of());
  }

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ArchitectureTest::notTestSupport)
            .importPackages("io.agentwire");
    assertTrue(
        production.contain("io.agentwire.provider.AgentWireProvider"),
        "the provider's classes were imported");
    assertTrue(production.contain("io.agentwire.bench.Report"), "bench's classes were imported");
  }

  /**
   * The test-support module is a test-scope dependency whose classes reach this test as a jar, not
   * as test classes; they are test code, so they are not part of the layout.
   */
  private static boolean notTestSupport(com.tngtech.archunit.core.importer.Location location) {
    return !location.contains("agentwire-test-support") && !location.contains("/test-support/");
  }

  /**
   * test-support uses no AgentWire module, so that every module's tests can use it (the provider's
   * included) without a reactor cycle.
   */
  @Test
  void testSupportUsesNoAgentWireModule() {
    JavaClasses testSupport = new ClassFileImporter().importPackages(TEST_SUPPORT);
    assertTrue(
        testSupport.contain(TEST_SUPPORT + ".ChildProcess"),
        "test-support's classes were imported");
    noClasses()
        .that()
        .resideInAPackage(TEST_SUPPORT + "..")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "AgentWire classes outside test-support",
                c ->
                    packageOf(c).startsWith("io.agentwire")
                        && !packageOf(c).startsWith(TEST_SUPPORT)))
        .check(testSupport);
  }

  static List<ArchRule> rules() {
    List<ArchRule> rules = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : ALLOWED.entrySet()) {
      String pkg = e.getKey();
      List<String> allowed = e.getValue();
      rules.add(
          noClasses()
              .that()
              .resideInAnyPackage(pkg, pkg + GENERATED)
              .should()
              .dependOnClassesThat(outside(pkg, allowed))
              .allowEmptyShould(true)
              .because(pkg + " may use only " + (allowed.isEmpty() ? "itself" : allowed)));
    }
    return rules;
  }

  /** AgentWire classes in neither {@code self} nor any of {@code allowed}. */
  private static DescribedPredicate<JavaClass> outside(String self, List<String> allowed) {
    return DescribedPredicate.describe(
        "AgentWire classes outside " + self + " and " + allowed,
        c -> {
          String pkg = packageOf(c);
          if (!pkg.startsWith("io.agentwire") || pkg.equals(self)) {
            return false;
          }
          for (String a : allowed) {
            if (a.endsWith("..")
                ? pkg.equals(a.substring(0, a.length() - 2))
                    || pkg.startsWith(a.substring(0, a.length() - 1))
                : pkg.equals(a)) {
              return false;
            }
          }
          return true;
        });
  }

  @Test
  void productionCodeKeepsTheLayout() {
    StringBuilder violations = new StringBuilder();
    for (ArchRule rule : rules()) {
      EvaluationResult result = rule.evaluate(production);
      if (result.hasViolation()) {
        violations.append(result.getFailureReport()).append('\n');
      }
    }
    assertEquals("", violations.toString(), "layout violations");
  }

  @Test
  void everyPackageHasItsRule() {
    Set<String> missing = new TreeSet<>();
    for (JavaClass c : production) {
      if (!ALLOWED.containsKey(packageOf(c))) {
        missing.add(packageOf(c));
      }
    }
    assertEquals(Set.of(), missing, "packages without an entry in ArchitectureTest.ALLOWED");
  }

  @Test
  void internalPackagesAreUsedOnlyByTheirConcept() {
    for (String pkg : ALLOWED.keySet()) {
      for (String used : ALLOWED.get(pkg)) {
        int internal = used.indexOf(".internal");
        if (internal < 0) {
          continue;
        }
        String concept = used.substring(0, internal);
        boolean sameConcept = pkg.equals(concept) || pkg.startsWith(concept + ".");
        boolean wiring = pkg.equals(P) || pkg.equals(P + ".internal");
        boolean shared = used.equals(P + ".shared.internal") && pkg.startsWith(P);
        boolean backend = used.equals(P + ".backend.internal") && pkg.startsWith(P);
        boolean signal = pkg.equals(P + ".signal.internal");
        assertTrue(
            sameConcept || wiring || shared || backend || signal,
            pkg + " is allowed " + used + ", the internals of another concept");
      }
    }
  }

  @Test
  void noPackageIsSplitAcrossModules() {
    Map<String, Set<String>> modulesOf = new TreeMap<>();
    for (JavaClass c : production) {
      String location = c.getSource().map(s -> s.getUri().toString()).orElse("?");
      modulesOf.computeIfAbsent(packageOf(c), k -> new TreeSet<>()).add(moduleOf(location));
    }
    modulesOf.values().removeIf(m -> m.size() == 1);
    assertEquals(Map.of(), modulesOf, "packages whose classes come from more than one module");
  }

  @Test
  void theRulesBiteOnAViolation() {
    // Imported as if it were production code of the cli, a class reaching into a provider
    // internal package must be reported.
    JavaClasses withViolator = new ClassFileImporter().importClasses(Violator.class);
    List<ArchRule> cliRules = new ArrayList<>();
    cliRules.add(
        noClasses()
            .that()
            .resideInAPackage("io.agentwire.conformance")
            .should()
            .dependOnClassesThat(
                outside("io.agentwire.conformance", ALLOWED.get("io.agentwire.cli")))
            .allowEmptyShould(true));
    boolean violated = cliRules.stream().anyMatch(r -> r.evaluate(withViolator).hasViolation());
    assertTrue(
        violated, "a class using provider.backend.internal from the cli's rules is reported");
    boolean clean =
        cliRules.stream()
            .noneMatch(
                r ->
                    r.evaluate(new ClassFileImporter().importClasses(PublicUser.class))
                        .hasViolation());
    assertTrue(clean, "a class using only public API passes the same rule");
    // A package whose classes come from two modules' outputs counts as split.
    assertTrue(
        !moduleOf("jar:file:/w/bench/target/bench.jar!/io/agentwire/nativeaccel/A.class")
            .equals(
                moduleOf("file:/w/native-accel/target/classes/io/agentwire/nativeaccel/B.class")),
        "classes of two modules are told apart");
    assertEquals(
        moduleOf("file:/w/native-accel/target/classes/io/agentwire/nativeaccel/A.class"),
        moduleOf("file:/w/native-accel/target/classes/io/agentwire/nativeaccel/B.class"),
        "classes of one module are not");
  }

  /** The jar or class folder a class was loaded from: the module that built it. */
  private static String moduleOf(String location) {
    if (location.startsWith("jar:")) {
      return location.substring(0, location.indexOf("!/"));
    }
    int classes = location.indexOf("/classes/");
    return classes < 0 ? location : location.substring(0, classes);
  }

  /** The package, with JMH's generated subpackage counted as the benchmark's own. */
  private static String packageOf(JavaClass c) {
    String pkg = c.getPackageName();
    return pkg.endsWith(GENERATED) ? pkg.substring(0, pkg.length() - GENERATED.length()) : pkg;
  }

  private static List<String> concat(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return List.copyOf(all);
  }

  /** Uses an internal class from outside its concept. */
  static final class Violator {
    Object reach() {
      return io.agentwire.provider.backend.internal.Backends.notes();
    }
  }

  /** Uses public API only. */
  static final class PublicUser {
    Object reach() {
      return io.agentwire.provider.AgentWireProvider.health();
    }
  }
}
