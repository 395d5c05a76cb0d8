package io.agentwire.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules: dependencies point one way (native-accel, then provider, then socket-factory,
 * then cli; native-accel only implements the provider's backend interface, which the provider finds
 * through ServiceLoader, so the provider never names it), and each module's {@code internal}
 * packages are used only by that module.
 */
class ArchitectureTest {

  private static final String ROOT = "io.agentwire.";
  private static final List<String> MODULES =
      List.of("nativeaccel", "provider", "socketfactory", "cli");

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.agentwire");
    assertTrue(
        production.contain("io.agentwire.provider.AgentWireProvider"),
        "the provider's classes were imported");
  }

  static List<ArchRule> rules() {
    List<ArchRule> rules = new ArrayList<>();
    // provider <- socketfactory <- cli; nativeaccel -> provider only.
    rules.add(layer("provider", "nativeaccel", "socketfactory", "cli"));
    rules.add(layer("nativeaccel", "socketfactory", "cli"));
    rules.add(layer("socketfactory", "nativeaccel", "cli"));
    rules.add(layer("cli", "nativeaccel"));
    for (String module : MODULES) {
      rules.add(
          noClasses()
              .that()
              .resideOutsideOfPackage(ROOT + module + "..")
              .should()
              .dependOnClassesThat()
              .resideInAPackage(ROOT + module + ".internal..")
              .allowEmptyShould(true)
              .because(module + "'s internal packages are not API"));
    }
    return rules;
  }

  private static ArchRule layer(String module, String... forbidden) {
    String[] packages = new String[forbidden.length];
    for (int i = 0; i < forbidden.length; i++) {
      packages[i] = ROOT + forbidden[i] + "..";
    }
    return noClasses()
        .that()
        .resideInAPackage(ROOT + module + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(packages)
        .allowEmptyShould(true)
        .because("dependencies point one way: native-accel <- provider <- socket-factory <- cli");
  }

  @Test
  void productionCodeKeepsTheModuleRules() {
    for (ArchRule rule : rules()) {
      rule.check(production);
    }
  }

  @Test
  void theRulesBiteOnAViolation() {
    // This test class itself reaches into provider internals (as some conformance tests must);
    // imported as if it were production code, the internal-package rule must report it.
    JavaClasses withViolator = new ClassFileImporter().importClasses(Violator.class);
    boolean violated = rules().stream().anyMatch(r -> r.evaluate(withViolator).hasViolation());
    assertTrue(violated, "a class outside the provider using provider.internal is reported");
  }

  /** Uses an internal class from outside its module. */
  static final class Violator {
    Object reach() {
      return io.agentwire.provider.internal.Backends.notes();
    }
  }
}
