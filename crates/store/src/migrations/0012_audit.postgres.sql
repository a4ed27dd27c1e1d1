-- Migration 12: the audit log and the webhook outbox (PostgreSQL).
-- `audit_event` is append-only: one row per security event, written in the transaction of the
-- change it records, with no foreign keys so the trail outlives the users it names (a
-- retention setting deletes old rows). `webhook_delivery` is the event's delivery to one
-- configured endpoint, claimed by workers with a lease like the mail outbox; its id is stable
-- across retries and its `event_id` is the `webhook-id` the endpoint sees.
CREATE TABLE "audit_event" ( "id" varchar NOT NULL PRIMARY KEY, "action" varchar NOT NULL, "actor_id" varchar, "subject_id" varchar, "organization_id" varchar, "ip_address" varchar, "user_agent" text, "detail" text NOT NULL, "created_at" timestamp with time zone NOT NULL );
CREATE INDEX "idx-audit_event-created_at" ON "audit_event" ("created_at");
CREATE INDEX "idx-audit_event-actor_id" ON "audit_event" ("actor_id");
CREATE INDEX "idx-audit_event-subject_id" ON "audit_event" ("subject_id");
CREATE INDEX "idx-audit_event-organization_id" ON "audit_event" ("organization_id");
CREATE INDEX "idx-audit_event-action" ON "audit_event" ("action");
CREATE TABLE "webhook_delivery" ( "id" varchar NOT NULL PRIMARY KEY, "event_id" varchar NOT NULL, "endpoint_url" text NOT NULL, "payload" text NOT NULL, "status" varchar NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" timestamp with time zone NOT NULL, "lease_owner" varchar, "lease_until" timestamp with time zone, "last_error" text, "delivered_at" timestamp with time zone, "created_at" timestamp with time zone NOT NULL, "updated_at" timestamp with time zone NOT NULL, "version" integer NOT NULL, UNIQUE ("event_id", "endpoint_url"), CHECK ("status" IN ('pending', 'delivered', 'failed')) );
CREATE INDEX "idx-webhook_delivery-due" ON "webhook_delivery" ("status", "next_attempt_at");
CREATE INDEX "idx-webhook_delivery-created_at" ON "webhook_delivery" ("created_at");
