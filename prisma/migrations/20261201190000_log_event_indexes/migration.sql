-- The security log's and the audit log's filters (lib/audit/query.ts), each one index walk in time
-- order at 1,000,000 events: "about this token or made with it" needs the actor half as the target
-- half has one; a kind (several actions) is walked action by action, within an account or across
-- all of them. docs/performance.md, "The audit log at 1,000,000 events".

-- CreateIndex
CREATE INDEX "audit_events_actor_token_guid_occurred_at_idx" ON "audit_events"("actor_token_guid", "occurred_at");
CREATE INDEX "audit_events_action_occurred_at_idx" ON "audit_events"("action", "occurred_at");
CREATE INDEX "audit_events_target_user_id_action_occurred_at_idx" ON "audit_events"("target_user_id", "action", "occurred_at");
