package io.agentwire.cli;

import io.agentwire.socketfactory.identity.AgentIdentity;
import io.agentwire.socketfactory.identity.AgentKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentwire keygen -o FILE}. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description =
        "Create an agent identity: an X25519 private key in PKCS#8 PEM (as openssl writes it),"
            + " readable only by you. Prints the public key and its fingerprint.")
final class KeygenCommand implements Callable<Integer> {

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Where to write the key; never overwritten.")
  Path out;

  @Override
  public Integer call() throws IOException {
    AgentIdentity id = AgentIdentity.generate();
    try {
      id.save(out);
    } catch (FileAlreadyExistsException e) {
      throw new Main.UsageError(out + " exists; AgentWire never overwrites an identity");
    }
    System.out.println("public key:  " + AgentKeys.toBase64(id.publicKey()));
    System.out.println("fingerprint: " + id.fingerprint());
    return Main.OK;
  }
}
