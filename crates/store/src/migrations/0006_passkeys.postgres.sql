-- Migration 6: passkeys (PostgreSQL).
-- WebAuthn credentials: the public key (COSE, standard base64) and the last signature counter
-- a sign-in is checked against. A credential id belongs to one passkey only.
CREATE TABLE "passkey" ( "id" varchar NOT NULL PRIMARY KEY, "name" varchar, "user_id" varchar NOT NULL, "credential_id" varchar NOT NULL UNIQUE, "public_key" varchar NOT NULL, "counter" bigint NOT NULL, "device_type" varchar NOT NULL, "backed_up" bool NOT NULL, "transports" varchar NOT NULL, "aaguid" varchar, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "fk-passkey-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE );
CREATE INDEX "idx-passkey-user_id" ON "passkey" ("user_id");
