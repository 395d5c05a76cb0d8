package io.agentwire.mls.internal.group;

import io.agentwire.mls.MlsExtension;
import io.agentwire.mls.ProcessResult;
import java.util.ArrayList;
import java.util.List;

/** What a {@link io.agentwire.mls.CommitBuilder} asked for; mutable, used by one thread. */
public final class CommitRequest {
  public final List<byte[]> addKeyPackages = new ArrayList<>();
  public final List<Integer> removeLeaves = new ArrayList<>();
  public final List<byte[]> removeIdentities = new ArrayList<>();
  public final List<byte[]> externalPsks = new ArrayList<>();
  public final List<Long> resumptionEpochs = new ArrayList<>();
  public List<MlsExtension> groupContextExtensions;
  public ProcessResult.ReInit reInit;
  public boolean includePending = true;
  public boolean forcePath;
  public Boolean ratchetTreeInWelcome;
  public byte[] authenticatedData = new byte[0];
}
