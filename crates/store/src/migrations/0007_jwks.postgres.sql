-- Migration 7: JWT signing keys (PostgreSQL).
-- One row per key pair: the public JWK, the sealed private key, and when it stops signing
-- (NULL: never rotated). Signing picks the newest key of the configured algorithm.
CREATE TABLE "jwks" ( "id" varchar NOT NULL PRIMARY KEY, "alg" varchar NOT NULL, "public_key" varchar NOT NULL, "private_key" varchar NOT NULL, "expires_at" timestamp with time zone, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL );
CREATE INDEX "idx-jwks-alg-created_at" ON "jwks" ("alg", "created_at");
