package io.agentwire.cli;

import io.agentwire.socketfactory.identity.AgentKeys;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentwire pubkey -k FILE}. */
@Command(
    name = "pubkey",
    mixinStandardHelpOptions = true,
    description =
        "Print the public key and fingerprint of a key: a PEM private key (ours or"
            + " `openssl genpkey -algorithm X25519`), a PEM public key, base64 or hex.")
final class PubkeyCommand implements Callable<Integer> {

  @Option(
      names = {"-k", "--key"},
      required = true,
      paramLabel = "KEY",
      description = "Key file, or the key itself.")
  String key;

  @Override
  public Integer call() {
    PublicKey pub = KeyArguments.publicKey(key);
    System.out.println("public key:  " + AgentKeys.toBase64(pub));
    System.out.println("fingerprint: " + AgentKeys.fingerprint(pub));
    return Main.OK;
  }
}
