-- The stale-token policy (deployment_settings.revoke_unused_after_days; lib/jobs/stale-tokens.ts).

-- When the owner was last warned that the token would be revoked for going unused. A warning
-- counts only for the stretch of disuse it was given in (docs/notifications.md, "Stale tokens").
-- Not in the change trigger's list of columns: verification does not read it.
ALTER TABLE "tokens" ADD COLUMN "unused_warned_at" TIMESTAMPTZ(3);

-- The sweep walks the tokens that still may work by their last use (or creation, if never used),
-- so revoked tokens, which accumulate, are never read again. Prisma cannot declare an expression
-- index; like the trigram index it lives in SQL only.
CREATE INDEX "tokens_unused_idx" ON "tokens"((COALESCE("last_used_at", "created_at")), "guid") WHERE "revoked_at" IS NULL;
