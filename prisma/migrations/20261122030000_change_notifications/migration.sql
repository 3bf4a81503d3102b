-- Announce every change that affects token verification on the `tollgate_changes` channel, so that
-- each instance sharing this database can drop what it cached (lib/db/change-listener.ts).
-- NOTIFY is delivered when the transaction commits, and only then; changes made outside the
-- application (psql, an admin script) are announced too.
CREATE OR REPLACE FUNCTION "tollgate_notify_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
    ELSE
        changed := NEW;
    END IF;
    IF TG_TABLE_NAME = 'tokens' THEN
        PERFORM pg_notify('tollgate_changes', json_build_object('token', changed.guid)::text);
    ELSIF TG_TABLE_NAME IN ('token_secrets', 'token_scopes') THEN
        PERFORM pg_notify('tollgate_changes', json_build_object('token', changed.token_guid)::text);
    ELSIF TG_TABLE_NAME = 'user_scopes' THEN
        PERFORM pg_notify('tollgate_changes', json_build_object('user', changed.user_id)::text);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('tollgate_changes', json_build_object('user', changed.id)::text);
    END IF;
    RETURN NULL;
END;
$$;

-- "Last used" writes touch only last_used_* columns and must not flush every cache, so updates
-- announce themselves only when a column that verification reads has changed.
CREATE TRIGGER "tokens_notify_update" AFTER UPDATE ON "tokens" FOR EACH ROW
    WHEN (OLD."name" IS DISTINCT FROM NEW."name"
       OR OLD."user_id" IS DISTINCT FROM NEW."user_id"
       OR OLD."valid_from" IS DISTINCT FROM NEW."valid_from"
       OR OLD."valid_to" IS DISTINCT FROM NEW."valid_to"
       OR OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at")
    EXECUTE FUNCTION "tollgate_notify_change"();
CREATE TRIGGER "tokens_notify_delete" AFTER DELETE ON "tokens" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
CREATE TRIGGER "token_secrets_notify" AFTER INSERT OR UPDATE OR DELETE ON "token_secrets" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
CREATE TRIGGER "token_scopes_notify" AFTER INSERT OR UPDATE OR DELETE ON "token_scopes" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
CREATE TRIGGER "user_scopes_notify" AFTER INSERT OR UPDATE OR DELETE ON "user_scopes" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
CREATE TRIGGER "users_notify" AFTER UPDATE OF "email", "name" OR DELETE ON "users" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
