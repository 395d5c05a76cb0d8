package io.agentwire.mls;

/**
 * The result of {@link Mls#joinByExternalCommit}: the new member's group, already in the new epoch,
 * and the external commit (RFC 9420 §12.4.3.2) to hand to the delivery service. If the delivery
 * service refuses the commit, drop the group and try again from a fresh GroupInfo.
 *
 * @param group the joined group
 * @param commitMessage the MLSMessage (PublicMessage) carrying the external commit
 */
public record ExternalJoin(MlsGroup group, byte[] commitMessage) {}
