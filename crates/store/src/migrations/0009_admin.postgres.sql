-- Migration 9: the admin API (PostgreSQL).
-- A user's roles, comma-separated as better-auth stores them ("user" for everyone before).
ALTER TABLE "user" ADD COLUMN "role" varchar NOT NULL DEFAULT 'user';
-- A ban: refused new sessions until lifted, or until `ban_expires` (NULL: for good).
ALTER TABLE "user" ADD COLUMN "banned" bool NOT NULL DEFAULT false;
ALTER TABLE "user" ADD COLUMN "ban_reason" varchar;
ALTER TABLE "user" ADD COLUMN "ban_expires" timestamp with time zone;
-- The admin an impersonation session acts for; it ends when that admin is removed.
ALTER TABLE "session" ADD COLUMN "impersonated_by" varchar REFERENCES "user" ("id") ON DELETE CASCADE;
CREATE INDEX "idx-session-impersonated_by" ON "session" ("impersonated_by");
