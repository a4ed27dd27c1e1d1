-- Migration 5: second factors (PostgreSQL).
-- Whether the user must present a second factor after every first factor.
ALTER TABLE "user" ADD COLUMN "two_factor_enabled" bool NOT NULL DEFAULT false;
-- One TOTP enrolment per user: the secret and the backup codes are sealed (AEAD) by the
-- server; `last_totp_step` refuses a code used twice in its window; the counters lock the
-- account's second factor after too many wrong codes.
CREATE TABLE "two_factor" ( "id" varchar NOT NULL PRIMARY KEY, "user_id" varchar NOT NULL UNIQUE, "secret" varchar NOT NULL, "backup_codes" varchar NOT NULL, "verified" bool NOT NULL, "last_totp_step" bigint, "failed_attempts" integer NOT NULL, "locked_until" timestamp with time zone, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "fk-two_factor-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE );
-- Devices that may skip the second factor for 30 days, by the digest of their cookie's token.
CREATE TABLE "trusted_device" ( "id" varchar NOT NULL PRIMARY KEY, "user_id" varchar NOT NULL, "token_digest" varchar NOT NULL UNIQUE, "expires_at" timestamp with time zone NOT NULL, "user_agent" varchar NOT NULL, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "fk-trusted_device-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE );
CREATE INDEX "idx-trusted_device-user_id" ON "trusted_device" ("user_id");
