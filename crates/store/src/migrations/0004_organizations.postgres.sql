-- Migration 4: organizations with several roles per member, team roles, and invitations to
-- several teams (PostgreSQL).
-- A member's roles are a comma-joined list of role names ("admin,member"), no longer one
-- enum value.
ALTER TABLE "member" ALTER COLUMN "role" TYPE varchar USING "role"::text;
ALTER TABLE "member" ADD CONSTRAINT "member_role_not_blank" CHECK ("role" <> '');
ALTER TABLE "invitation" ALTER COLUMN "role" TYPE varchar USING "role"::text;
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_role_not_blank" CHECK ("role" <> '');
DROP TYPE "member_role";
-- The roles a member of a team holds within it.
ALTER TABLE "team_member" ADD COLUMN "role" varchar NOT NULL DEFAULT 'member';
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_role_not_blank" CHECK ("role" <> '');
-- invitation.team_id holds the comma-joined ids of the teams the invitee joins.
CREATE INDEX "idx-invitation-organization_status" ON "invitation" ("organization_id", "status");
-- Removing a team finds the sessions acting in it.
CREATE INDEX "idx-session-active_team_id" ON "session" ("active_team_id");
-- A membership change rewrites the organization context of the member's sessions in the same
-- transaction; the session trigger of migration 3 tells every node.
