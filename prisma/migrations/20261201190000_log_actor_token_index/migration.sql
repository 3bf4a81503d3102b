-- The security log's token filter is "about this token or made with it" (lib/audit/query.ts): the
-- second half needs its own index, as the target half has one. docs/performance.md, "The audit log
-- at 1,000,000 events".

-- CreateIndex
CREATE INDEX "audit_events_actor_token_guid_occurred_at_idx" ON "audit_events"("actor_token_guid", "occurred_at");
