-- Migration 11: what a user's authorization of an OAuth client leaves behind (PostgreSQL).
-- `oauth_grant` is one authorization: the digest of its code (redeemable once, within minutes),
-- the redirect URI and PKCE challenge the token request must match, and the scopes granted.
-- Every access and refresh token a code leads to carries the grant's id, so a replayed code or
-- a reused refresh token revokes the whole family. `oauth_consent` is a user's standing consent
-- to a client, one row per pair. Codes and tokens are stored as SHA-256 (base64url) only.
CREATE TABLE "oauth_grant" ( "id" varchar NOT NULL PRIMARY KEY, "code_digest" varchar NOT NULL UNIQUE, "client_id" varchar NOT NULL, "user_id" varchar NOT NULL, "session_id" varchar, "redirect_uri" text NOT NULL, "scopes" text NOT NULL, "nonce" text, "code_challenge" varchar, "auth_time" timestamp with time zone NOT NULL, "code_expires_at" timestamp with time zone NOT NULL, "redeemed_at" timestamp with time zone, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "fk-oauth_grant-client_id" FOREIGN KEY ("client_id") REFERENCES "oauth_client" ("client_id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_grant-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_grant-session_id" FOREIGN KEY ("session_id") REFERENCES "session" ("id") ON DELETE SET NULL );
CREATE INDEX "idx-oauth_grant-client_id" ON "oauth_grant" ("client_id");
CREATE INDEX "idx-oauth_grant-user_id" ON "oauth_grant" ("user_id");
CREATE INDEX "idx-oauth_grant-session_id" ON "oauth_grant" ("session_id");
CREATE TABLE "oauth_refresh_token" ( "id" varchar NOT NULL PRIMARY KEY, "token_digest" varchar NOT NULL UNIQUE, "grant_id" varchar NOT NULL, "client_id" varchar NOT NULL, "user_id" varchar NOT NULL, "session_id" varchar, "scopes" text NOT NULL, "auth_time" timestamp with time zone NOT NULL, "expires_at" timestamp with time zone NOT NULL, "revoked_at" timestamp with time zone, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "fk-oauth_refresh_token-grant_id" FOREIGN KEY ("grant_id") REFERENCES "oauth_grant" ("id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_refresh_token-client_id" FOREIGN KEY ("client_id") REFERENCES "oauth_client" ("client_id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_refresh_token-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_refresh_token-session_id" FOREIGN KEY ("session_id") REFERENCES "session" ("id") ON DELETE SET NULL );
CREATE INDEX "idx-oauth_refresh_token-grant_id" ON "oauth_refresh_token" ("grant_id");
CREATE INDEX "idx-oauth_refresh_token-user_id" ON "oauth_refresh_token" ("user_id");
CREATE INDEX "idx-oauth_refresh_token-session_id" ON "oauth_refresh_token" ("session_id");
-- An access token now ends with the session it came from (signing out ends what it granted);
-- refresh tokens outlive it, so offline access survives a sign-out.
ALTER TABLE "oauth_access_token" ADD COLUMN "grant_id" varchar CONSTRAINT "fk-oauth_access_token-grant_id" REFERENCES "oauth_grant" ("id") ON DELETE CASCADE;
ALTER TABLE "oauth_access_token" DROP CONSTRAINT "fk-oauth_access_token-session_id";
ALTER TABLE "oauth_access_token" ADD CONSTRAINT "fk-oauth_access_token-session_id" FOREIGN KEY ("session_id") REFERENCES "session" ("id") ON DELETE CASCADE;
CREATE INDEX "idx-oauth_access_token-grant_id" ON "oauth_access_token" ("grant_id");
CREATE TABLE "oauth_consent" ( "id" varchar NOT NULL PRIMARY KEY, "client_id" varchar NOT NULL, "user_id" varchar NOT NULL, "scopes" text NOT NULL, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, CONSTRAINT "uq-oauth_consent-client_user" UNIQUE ("client_id", "user_id"), CONSTRAINT "fk-oauth_consent-client_id" FOREIGN KEY ("client_id") REFERENCES "oauth_client" ("client_id") ON DELETE CASCADE, CONSTRAINT "fk-oauth_consent-user_id" FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE );
CREATE INDEX "idx-oauth_consent-user_id" ON "oauth_consent" ("user_id");
