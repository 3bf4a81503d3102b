-- The administrators' token inventory (lib/admin/token-inventory.ts) sorts and pages every user's
-- tokens by keyset: each sort walks one of these indexes, its last column the GUID that breaks
-- ties. docs/performance.md, "Token inventory at 1,000,000 tokens", has the plans and timings.

-- CreateIndex
CREATE INDEX "tokens_created_at_guid_idx" ON "tokens"("created_at", "guid");
CREATE INDEX "tokens_last_used_at_guid_idx" ON "tokens"("last_used_at", "guid");
CREATE INDEX "tokens_valid_to_guid_idx" ON "tokens"("valid_to", "guid");
CREATE INDEX "tokens_name_guid_idx" ON "tokens"("name", "guid");
-- "Scheduled" tokens are few: a range on valid_from finds (and counts) them without a scan.
CREATE INDEX "tokens_valid_from_idx" ON "tokens"("valid_from");
