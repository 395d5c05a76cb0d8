package io.agentwire.cli;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.BackendHealth;
import io.agentwire.socketfactory.AgentWireJsseProvider;
import java.security.Provider;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code agentwire info}: versions, services, and which backend serves each primitive. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description =
        "Print versions, the providers' services, and the backend serving each primitive"
            + " (and, when native acceleration is off, why).")
final class InfoCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    for (String line : new Main.Version().getVersion()) {
      System.out.println(line);
    }
    System.out.println();
    for (Provider p : new Provider[] {new AgentWireProvider(), new AgentWireJsseProvider()}) {
      System.out.println("provider " + p.getName() + " " + p.getVersionStr() + ": " + p.getInfo());
      TreeSet<String> services = new TreeSet<>();
      for (Provider.Service s : p.getServices()) {
        services.add("  " + s.getType() + " " + s.getAlgorithm());
      }
      services.forEach(System.out::println);
      if (p instanceof AgentWireProvider) {
        System.out.println("  NoiseHandshake <any valid Noise protocol name, parsed on demand>");
      }
    }
    System.out.println();
    BackendHealth health = AgentWireProvider.health();
    System.out.println("backend mode: " + health.mode());
    System.out.println(
        "native: "
            + (health.nativeInUse() ? "in use" : "not in use")
            + " ("
            + health.nativeStatus()
            + ")");
    for (Map.Entry<?, String> e : health.servedBy().entrySet()) {
      System.out.printf("  %-18s %s%n", e.getKey(), e.getValue());
    }
    for (String note : health.notes()) {
      System.out.println("  note: " + note);
    }
    return Main.OK;
  }
}
