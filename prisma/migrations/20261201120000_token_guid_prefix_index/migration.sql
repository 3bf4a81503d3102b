-- The GUID filter takes a prefix, read as a range on the uuid (docs/database.md, "The GUID filter").
-- Led by the owner, the range stays within the user's own tokens: on the primary key alone, a
-- prefix shared by many of another account's tokens (a client may choose its GUIDs) was read whole.
-- CreateIndex
CREATE INDEX "tokens_user_id_guid_idx" ON "tokens"("user_id", "guid");
