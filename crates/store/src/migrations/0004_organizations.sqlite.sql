-- Migration 4: organizations with several roles per member, team roles, and invitations to
-- several teams (SQLite). SQLite cannot drop a CHECK, so member and invitation are rebuilt
-- (no table refers to either).
CREATE TABLE "member_v4" ( "id" varchar NOT NULL PRIMARY KEY, "organization_id" varchar NOT NULL, "user_id" varchar NOT NULL, "role" varchar NOT NULL, "status" enum_text NOT NULL, "created_at" timestamp_with_timezone_text NOT NULL, "updated_at" timestamp_with_timezone_text NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, CHECK ("role" <> ''), CHECK ("status" IN ('active', 'inactive', 'suspended')) );
INSERT INTO "member_v4" SELECT "id", "organization_id", "user_id", "role", "status", "created_at", "updated_at", "created_by", "updated_by", "version" FROM "member";
DROP TABLE "member";
ALTER TABLE "member_v4" RENAME TO "member";
CREATE INDEX "idx-member-user_id" ON "member" ("user_id");
CREATE UNIQUE INDEX "idx-member-organization_user" ON "member" ("organization_id", "user_id");
CREATE TABLE "invitation_v4" ( "id" varchar NOT NULL PRIMARY KEY, "organization_id" varchar NOT NULL, "email" varchar NOT NULL, "role" varchar NOT NULL, "team_id" varchar, "status" enum_text NOT NULL, "expires_at" timestamp_with_timezone_text NOT NULL, "inviter_id" varchar NOT NULL, "created_at" timestamp_with_timezone_text NOT NULL, "updated_at" timestamp_with_timezone_text NOT NULL, "created_by" varchar, "updated_by" varchar, "version" integer NOT NULL, FOREIGN KEY ("organization_id") REFERENCES "organization" ("id") ON DELETE CASCADE, FOREIGN KEY ("inviter_id") REFERENCES "user" ("id") ON DELETE CASCADE, CHECK ("role" <> ''), CHECK ("status" IN ('pending', 'accepted', 'rejected', 'canceled')) );
INSERT INTO "invitation_v4" SELECT "id", "organization_id", "email", "role", "team_id", "status", "expires_at", "inviter_id", "created_at", "updated_at", "created_by", "updated_by", "version" FROM "invitation";
DROP TABLE "invitation";
ALTER TABLE "invitation_v4" RENAME TO "invitation";
CREATE INDEX "idx-invitation-organization_id" ON "invitation" ("organization_id");
CREATE INDEX "idx-invitation-email" ON "invitation" ("email");
CREATE INDEX "idx-invitation-organization_status" ON "invitation" ("organization_id", "status");
ALTER TABLE "team_member" ADD COLUMN "role" varchar NOT NULL DEFAULT 'member' CHECK ("role" <> '');
-- Removing a team finds the sessions acting in it.
CREATE INDEX "idx-session-active_team_id" ON "session" ("active_team_id");
