-- Migration 9: the admin API (SQLite). See the PostgreSQL script for what each part is for.
ALTER TABLE "user" ADD COLUMN "role" varchar NOT NULL DEFAULT 'user';
ALTER TABLE "user" ADD COLUMN "banned" boolean NOT NULL DEFAULT false;
ALTER TABLE "user" ADD COLUMN "ban_reason" varchar;
ALTER TABLE "user" ADD COLUMN "ban_expires" timestamp_with_timezone_text;
ALTER TABLE "session" ADD COLUMN "impersonated_by" varchar REFERENCES "user" ("id") ON DELETE CASCADE;
CREATE INDEX "idx-session-impersonated_by" ON "session" ("impersonated_by");
