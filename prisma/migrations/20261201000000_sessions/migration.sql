-- Server-side sessions: one row per sign-in, its id carried inside next-auth's encrypted JWT.
-- A session is live while its row exists, it has been seen within the idle timeout and its absolute
-- end (expires_at) has not passed (lib/sessions/policy.ts). Signing out deletes the row.

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" VARCHAR(45),
    "last_seen_ip" VARCHAR(45),
    "user_agent" VARCHAR(256),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_last_seen_at_idx" ON "sessions"("user_id", "last_seen_at");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE INDEX "sessions_last_seen_at_idx" ON "sessions"("last_seen_at");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An ended session is announced on `tollgate_changes` as {"session": id}, so every instance drops it
-- from memory within the notification's delivery time. The account's cascade delete fires this too.
-- "Last seen" updates are not announced: they do not change whether a session is live.
CREATE OR REPLACE FUNCTION "tollgate_notify_session_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tollgate_changes', json_build_object('session', OLD.id)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER "sessions_notify_delete" AFTER DELETE ON "sessions" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_session_change"();
CREATE TRIGGER "sessions_notify_update" AFTER UPDATE ON "sessions" FOR EACH ROW
    WHEN (OLD."user_id" IS DISTINCT FROM NEW."user_id" OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at")
    EXECUTE FUNCTION "tollgate_notify_session_change"();

-- Sessions cache the account's name, email and role: a change of the role is announced too.
DROP TRIGGER "users_notify" ON "users";
CREATE TRIGGER "users_notify" AFTER UPDATE OF "email", "name", "is_admin" OR DELETE ON "users" FOR EACH ROW
    EXECUTE FUNCTION "tollgate_notify_change"();
