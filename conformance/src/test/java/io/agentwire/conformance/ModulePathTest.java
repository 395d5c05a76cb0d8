package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.noise.NoiseHandshake;
import io.agentwire.provider.noise.NoiseRole;
import io.agentwire.provider.noise.NoiseTransport;
import io.agentwire.testsupport.ChildProcess;
import io.agentwire.testsupport.NativeRequirement;
import java.io.File;
import java.nio.file.Paths;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The provider jar works on the module path as the named module {@code io.agentwire.provider}: a
 * child JVM with only the jars on the module path finds AgentWire through ServiceLoader, the
 * provider finds the native backend (an automatic module) the same way, and a handshake completes.
 * Needs the packaged jar, so it runs under {@code mvn verify}.
 */
class ModulePathTest {

  @Test
  void providerJarIsAModuleFoundByServiceLoader() throws Exception {
    String providerJar = null;
    String bcJar = null;
    String nativeJar = null;
    String jnaJar = null;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      if (name.startsWith("agentwire-provider") && name.endsWith(".jar")) {
        providerJar = entry;
      } else if (name.startsWith("bcprov-jdk18on") && name.endsWith(".jar")) {
        bcJar = entry;
      } else if (name.startsWith("agentwire-native-accel") && name.endsWith(".jar")) {
        nativeJar = entry;
      } else if (name.startsWith("jna-") && name.endsWith(".jar")) {
        jnaJar = entry;
      }
    }
    Assumptions.assumeTrue(
        providerJar != null,
        "the provider is on the class path as a directory, not a jar: run `mvn verify`");
    String testClasses =
        Paths.get(ModulePathTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    List<String> args = new ArrayList<>();
    args.add("--module-path");
    args.add(String.join(File.pathSeparator, providerJar, bcJar, nativeJar, jnaJar));
    args.add("--enable-native-access=ALL-UNNAMED");
    args.add("--add-modules");
    args.add("io.agentwire.provider");
    args.add("-cp");
    args.add(testClasses);
    args.add(Probe.class.getName());
    try (ChildProcess p = ChildProcess.startMerged(ChildProcess.java(args))) {
      assertTrue(p.waitFor(Duration.ofSeconds(60)), "probe finished");
      String out = p.out();
      assertEquals(0, p.exitValue(), out);
      System.out.println(
          "module-path child: "
              + out.strip().replace("\n", " | ")
              + " ("
              + NativeRequirement.PROPERTY
              + "="
              + NativeRequirement.setting()
              + ")");
      assertTrue(out.contains("module io.agentwire.provider: handshake ok"), out);
      if (NativeRequirement.required()) {
        assertTrue(
            out.contains("native in use: true"), "the native-accel module was found: " + out);
      }
    }
  }

  /** Runs in the child JVM. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Provider found = null;
      for (Provider p : ServiceLoader.load(Provider.class)) {
        if (p.getName().equals("AgentWire")) {
          found = p;
        }
      }
      if (found == null) {
        System.out.println("ServiceLoader did not find AgentWire");
        System.exit(3);
      }
      String name = "Noise_XX_25519_ChaChaPoly_BLAKE2s";
      NoiseHandshake a = NoiseHandshake.getInstance(name, found);
      NoiseHandshake b = NoiseHandshake.getInstance(name, found);
      a.init(NoiseRole.INITIATOR);
      b.init(NoiseRole.RESPONDER);
      a.setLocalStaticKey(KeyPairGenerator.getInstance("X25519", found).generateKeyPair());
      b.setLocalStaticKey(KeyPairGenerator.getInstance("X25519", found).generateKeyPair());
      b.readMessage(a.writeMessage(new byte[0]));
      a.readMessage(b.writeMessage(new byte[0]));
      b.readMessage(a.writeMessage(new byte[0]));
      NoiseTransport t = a.split();
      byte[] back = b.split().decrypt(t.encrypt(new byte[] {42}));
      System.out.println(
          "native in use: " + io.agentwire.provider.AgentWireProvider.health().nativeInUse());
      System.out.println(
          found.getClass().getModule().getName().equals("io.agentwire.provider") && back[0] == 42
              ? "module io.agentwire.provider: handshake ok"
              : "wrong module " + found.getClass().getModule());
    }
  }
}
