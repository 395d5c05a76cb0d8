package io.agentwire.mls.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.message.AddProposal;
import io.agentwire.mls.internal.message.Commit;
import io.agentwire.mls.internal.message.ExternalInitProposal;
import io.agentwire.mls.internal.message.FramedContent;
import io.agentwire.mls.internal.message.GroupContextExtensionsProposal;
import io.agentwire.mls.internal.message.GroupSecrets;
import io.agentwire.mls.internal.message.MlsMessage;
import io.agentwire.mls.internal.message.PreSharedKeyProposal;
import io.agentwire.mls.internal.message.Proposal;
import io.agentwire.mls.internal.message.RatchetTreeExtension;
import io.agentwire.mls.internal.message.ReInitProposal;
import io.agentwire.mls.internal.message.RemoveProposal;
import io.agentwire.mls.internal.message.UpdateProposal;
import io.agentwire.mls.internal.message.Wire;
import io.agentwire.testsupport.SharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of {@code messages.json} and, for each, the typed decoder of what it holds (RFC 9420
 * test-vectors.md, "Messages"). Each decoder reads the whole input and checks the variant the field
 * promises, so a field cannot pass by landing in the wrong struct.
 */
final class MessageFields {

  private MessageFields() {}

  interface Decoder {
    TlsWriter.Encodable decode(byte[] in) throws MlsException;
  }

  static final Map<String, Decoder> DECODERS = new LinkedHashMap<>();

  static {
    DECODERS.put("mls_welcome", in -> message(in, MlsMessage.WELCOME));
    DECODERS.put("mls_group_info", in -> message(in, MlsMessage.GROUP_INFO));
    DECODERS.put("mls_key_package", in -> message(in, MlsMessage.KEY_PACKAGE));
    // The ratchet tree is decoded through the ratchet_tree extension's typed view, whose data is
    // exactly the tree's encoding.
    DECODERS.put("ratchet_tree", in -> Wire.decode(in, RatchetTreeExtension::read, "ratchet_tree"));
    DECODERS.put("group_secrets", GroupSecrets::decode);
    DECODERS.put("add_proposal", in -> body(Wire.decode(in, AddProposal::readBody, "Add")));
    DECODERS.put(
        "update_proposal", in -> body(Wire.decode(in, UpdateProposal::readBody, "Update")));
    DECODERS.put(
        "remove_proposal", in -> body(Wire.decode(in, RemoveProposal::readBody, "Remove")));
    DECODERS.put(
        "pre_shared_key_proposal",
        in -> body(Wire.decode(in, PreSharedKeyProposal::readBody, "PreSharedKey")));
    DECODERS.put(
        "re_init_proposal", in -> body(Wire.decode(in, ReInitProposal::readBody, "ReInit")));
    DECODERS.put(
        "external_init_proposal",
        in -> body(Wire.decode(in, ExternalInitProposal::readBody, "ExternalInit")));
    DECODERS.put(
        "group_context_extensions_proposal",
        in ->
            body(
                Wire.decode(
                    in, GroupContextExtensionsProposal::readBody, "GroupContextExtensions")));
    DECODERS.put("commit", in -> Wire.decode(in, Commit::read, "Commit"));
    DECODERS.put("public_message_application", in -> publicMessage(in, FramedContent.APPLICATION));
    DECODERS.put("public_message_proposal", in -> publicMessage(in, FramedContent.PROPOSAL));
    DECODERS.put("public_message_commit", in -> publicMessage(in, FramedContent.COMMIT));
    DECODERS.put("private_message", in -> message(in, MlsMessage.PRIVATE_MESSAGE));
  }

  /**
   * The vectors hold each proposal's RFC struct alone ({@code Add}, not a tagged {@code Proposal}):
   * encode it with {@link Proposal#encodeBody}.
   */
  static TlsWriter.Encodable body(Proposal p) {
    return p::encodeBody;
  }

  static MlsMessage message(byte[] in, int wireFormat) throws MlsException {
    MlsMessage m = MlsMessage.decode(in);
    assertEquals(MlsMessage.MLS10, m.version());
    assertEquals(wireFormat, m.wireFormat());
    return m;
  }

  static MlsMessage publicMessage(byte[] in, int contentType) throws MlsException {
    MlsMessage m = message(in, MlsMessage.PUBLIC_MESSAGE);
    FramedContent content = m.publicMessage().content();
    assertEquals(contentType, content.contentType());
    if (contentType == FramedContent.PROPOSAL) {
      assertInstanceOf(Proposal.class, content.proposal());
    }
    return m;
  }

  /** One field of one case. */
  record Sample(int caseIndex, String field, byte[] bytes) {
    @Override
    public String toString() {
      return "case " + caseIndex + " " + field + " (" + bytes.length + " bytes)";
    }
  }

  private static List<Sample> samples;

  static synchronized List<Sample> samples() {
    if (samples == null) {
      try {
        JsonNode cases =
            new ObjectMapper().readTree(SharedVectors.file("mls/messages.json").toFile());
        List<Sample> out = new ArrayList<>();
        int i = 0;
        for (JsonNode c : cases) {
          for (String field : DECODERS.keySet()) {
            JsonNode v = c.get(field);
            if (v == null) {
              throw new AssertionError("case " + i + " has no " + field);
            }
            out.add(new Sample(i, field, HexFormat.of().parseHex(v.asText())));
          }
          i++;
        }
        samples = List.copyOf(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return samples;
  }

  static TlsWriter.Encodable decode(Sample s) throws MlsException {
    return DECODERS.get(s.field()).decode(s.bytes());
  }

  static TlsWriter.Encodable decode(String field, byte[] in) throws MlsException {
    return DECODERS.get(field).decode(in);
  }
}
