-- The lifecycle issue (15): in-app notifications, mail through an outbox, password resets,
-- leaked-token reports, a person's mail setting and the stale-token policy. docs/database.md.

-- What a person is told in the app (the bell). A reminder's dedupe key makes it exactly once:
-- whichever instance's sweep inserts it first wins, a second insert does nothing.
-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" VARCHAR(64) NOT NULL,
    "token_guid" UUID,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    "dedupe_key" VARCHAR(200),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications"("user_id", "created_at");
-- The bell's unread count reads only the unread ones.
CREATE INDEX "notifications_unread_idx" ON "notifications"("user_id") WHERE "read_at" IS NULL;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Mail waiting to be sent, written in the transaction of the change it tells about, sent by
-- lib/mail/outbox.ts (retried with backoff; a request never waits for SMTP).
-- CreateTable
CREATE TABLE "mail_outbox" (
    "id" UUID NOT NULL,
    "user_id" UUID,
    "kind" VARCHAR(64) NOT NULL,
    "to" VARCHAR(254) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "dedupe_key" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "last_error" VARCHAR(1000),

    CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "mail_outbox_dedupe_key_key" ON "mail_outbox"("dedupe_key");
-- The sender's poll reads only what is still to send.
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox"("next_attempt_at") WHERE "sent_at" IS NULL AND "failed_at" IS NULL;
CREATE INDEX "mail_outbox_created_at_idx" ON "mail_outbox"("created_at");
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Single-use password reset links: only a keyed hash of the link's secret is kept.
-- CreateTable
CREATE TABLE "password_resets" (
    "hash" CHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("hash")
);
CREATE INDEX "password_resets_user_id_idx" ON "password_resets"("user_id");
CREATE INDEX "password_resets_expires_at_idx" ON "password_resets"("expires_at");
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Reports to POST /api/v1/credentials/revoke: who reported how many, and where they were found.
-- The secrets themselves are never kept; the tokens revoked are in the audit events.
-- CreateTable
CREATE TABLE "leak_reports" (
    "id" UUID NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(256),
    "source" VARCHAR(2048),
    "submitted" INTEGER NOT NULL,
    "revoked" INTEGER NOT NULL,

    CONSTRAINT "leak_reports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "leak_reports_received_at_idx" ON "leak_reports"("received_at");

-- A person's choice: mail when a token is used from an address not seen before (off by default).
ALTER TABLE "users" ADD COLUMN "notify_new_address" BOOLEAN NOT NULL DEFAULT false;

-- The administrators' stale-token policy: revoke tokens unused for this many days (null: never).
ALTER TABLE "deployment_settings" ADD COLUMN "revoke_unused_after_days" INTEGER;
