-- Migration 7: JWT signing keys (SQLite). See the PostgreSQL script for what each part is for.
CREATE TABLE "jwks" ( "id" varchar NOT NULL PRIMARY KEY, "alg" varchar NOT NULL, "public_key" varchar NOT NULL, "private_key" varchar NOT NULL, "expires_at" timestamp_with_timezone_text, "created_at" timestamp_with_timezone_text NOT NULL, "updated_at" timestamp_with_timezone_text NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL );
CREATE INDEX "idx-jwks-alg-created_at" ON "jwks" ("alg", "created_at");
