import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core data model: members and tags, invitations, providers and their encrypted credentials, the model
 * catalog, price versions, allocations, keys and their scope, the call ledger, audit events and the keyring
 * canaries. Plain PostgreSQL that runs unchanged on the embedded engine and on a PostgreSQL server.
 */
export class InitialSchema1795996800000 implements MigrationInterface {
  name = 'InitialSchema1795996800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "encryption_canaries" ("key_id" character varying(32) NOT NULL, "ciphertext" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_encryption_canaries" PRIMARY KEY ("key_id"))`,
      `CREATE TABLE "providers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(64) NOT NULL, "type" character varying(32) NOT NULL, "display_name" character varying(200), "base_url" character varying(2048), "settings" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_providers_name" UNIQUE ("name"), CONSTRAINT "pk_providers" PRIMARY KEY ("id"))`,
      `CREATE TABLE "provider_credentials" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "provider_id" uuid NOT NULL, "label" character varying(64) NOT NULL, "secret_ciphertext" text NOT NULL, "secret_key_id" character varying(32) NOT NULL, "secret_fingerprint" character varying(16) NOT NULL, "secret_env" character varying(128), "base_url" character varying(2048), "settings" jsonb NOT NULL DEFAULT '{}', "status" character varying(16) NOT NULL DEFAULT 'active', "last_used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_provider_credentials_label" UNIQUE ("provider_id", "label"), CONSTRAINT "pk_provider_credentials" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_provider_credentials_routing" ON "provider_credentials" ("provider_id", "status")`,
      `CREATE TABLE "models" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(160) NOT NULL, "provider_id" uuid NOT NULL, "upstream_name" character varying(200) NOT NULL, "kind" character varying(16) NOT NULL DEFAULT 'chat', "display_name" character varying(200), "description" text, "family" character varying(64), "input_modalities" jsonb NOT NULL DEFAULT '["text"]', "output_modalities" jsonb NOT NULL DEFAULT '["text"]', "capabilities" jsonb NOT NULL DEFAULT '[]', "context_window" integer, "max_output_tokens" integer, "status" character varying(16) NOT NULL DEFAULT 'active', "deprecation_note" text, "responses_support" character varying(16) NOT NULL DEFAULT 'unknown', "responses_support_source" character varying(16), "responses_checked_at" TIMESTAMP WITH TIME ZONE, "default_access" character varying(16) NOT NULL DEFAULT 'open', "allowed_tags" jsonb NOT NULL DEFAULT '[]', "denied_tags" jsonb NOT NULL DEFAULT '[]', "self_service_enabled" boolean NOT NULL DEFAULT false, "self_service_token_quota" bigint, "self_service_cost_quota_micros" bigint, "provenance" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_models_slug" UNIQUE ("slug"), CONSTRAINT "pk_models" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_models_provider" ON "models" ("provider_id")`,
      `CREATE TABLE "members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "identifier" character varying(320) NOT NULL, "email" character varying(320), "display_name" character varying(200), "auth_provider" character varying(16) NOT NULL DEFAULT 'local', "external_id" character varying(255), "role" character varying(16) NOT NULL DEFAULT 'member', "status" character varying(16) NOT NULL DEFAULT 'active', "password_hash" text, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_members_external" UNIQUE ("auth_provider", "external_id"), CONSTRAINT "uq_members_identifier" UNIQUE ("identifier"), CONSTRAINT "pk_members" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_members_role_status" ON "members" ("role", "status")`,
      `CREATE TABLE "tags" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(64) NOT NULL, "description" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_tags_name" UNIQUE ("name"), CONSTRAINT "pk_tags" PRIMARY KEY ("id"))`,
      `CREATE TABLE "member_tags" ("member_id" uuid NOT NULL, "tag_id" uuid NOT NULL, "source" character varying(16) NOT NULL DEFAULT 'manual', "rule_id" uuid, "added_by" character varying(64), "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_member_tags" PRIMARY KEY ("member_id", "tag_id"))`,
      `CREATE INDEX "idx_member_tags_tag" ON "member_tags" ("tag_id")`,
      `CREATE TABLE "invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character varying(64) NOT NULL, "member_id" uuid NOT NULL, "purpose" character varying(16) NOT NULL, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_invitations_token_hash" UNIQUE ("token_hash"), CONSTRAINT "pk_invitations" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_invitations_member" ON "invitations" ("member_id")`,
      `CREATE TABLE "allocations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "member_id" uuid NOT NULL, "model_id" uuid NOT NULL, "name" character varying(64) NOT NULL DEFAULT 'default', "status" character varying(16) NOT NULL DEFAULT 'active', "status_reason" character varying(500), "origin" character varying(16) NOT NULL DEFAULT 'admin', "quota_tokens_monthly" bigint, "quota_cost_micros_monthly" bigint, "rpm_limit" integer, "tpm_limit" integer, "max_concurrency" integer, "is_service" boolean NOT NULL DEFAULT false, "quota_locked" boolean NOT NULL DEFAULT false, "note" character varying(1000), "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "paused_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_allocations" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_allocations_model" ON "allocations" ("model_id")`,
      `CREATE INDEX "idx_allocations_status" ON "allocations" ("status")`,
      `CREATE INDEX "idx_allocations_member_created" ON "allocations" ("member_id", "created_at")`,
      `CREATE UNIQUE INDEX "uq_allocations_member_model_name" ON "allocations" ("member_id", "model_id", "name") WHERE status <> 'revoked'`,
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "member_id" uuid NOT NULL, "name" character varying(64) NOT NULL, "key_hash" character varying(64) NOT NULL, "key_prefix" character varying(24) NOT NULL, "origin" character varying(16) NOT NULL, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(200), CONSTRAINT "uq_api_keys_hash" UNIQUE ("key_hash"), CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_api_keys_member" ON "api_keys" ("member_id")`,
      `CREATE TABLE "api_key_allocations" ("key_id" uuid NOT NULL, "allocation_id" uuid NOT NULL, "model_id" uuid NOT NULL, CONSTRAINT "uq_api_key_allocations_model" UNIQUE ("key_id", "model_id"), CONSTRAINT "pk_api_key_allocations" PRIMARY KEY ("key_id", "allocation_id"))`,
      `CREATE INDEX "idx_api_key_allocations_allocation" ON "api_key_allocations" ("allocation_id")`,
      `CREATE TABLE "price_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "model_id" uuid NOT NULL, "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL, "unit" character varying(16) NOT NULL DEFAULT 'token', "input_per_million_micros" bigint, "cached_input_per_million_micros" bigint, "cache_write_per_million_micros" bigint, "output_per_million_micros" bigint, "unit_per_million_micros" bigint, "source_note" character varying(500), "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_price_versions_model_effective" UNIQUE ("model_id", "effective_from"), CONSTRAINT "pk_price_versions" PRIMARY KEY ("id"))`,
      `CREATE TABLE "call_records" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "request_id" character varying(64) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "first_byte_ms" integer, "duration_ms" integer, "member_id" uuid, "allocation_id" uuid, "key_id" uuid, "model_id" uuid, "requested_model" character varying(200), "provider_id" uuid, "credential_id" uuid, "endpoint" character varying(64) NOT NULL, "stream" boolean NOT NULL DEFAULT false, "status_code" smallint NOT NULL, "outcome" character varying(32) NOT NULL, "error_code" character varying(64), "error_message" character varying(1000), "input_tokens" bigint NOT NULL DEFAULT '0', "cached_input_tokens" bigint NOT NULL DEFAULT '0', "cache_write_tokens" bigint NOT NULL DEFAULT '0', "output_tokens" bigint NOT NULL DEFAULT '0', "reasoning_tokens" bigint NOT NULL DEFAULT '0', "total_tokens" bigint NOT NULL DEFAULT '0', "quantity" numeric(20,6), "unit" character varying(16), "cost_micros" numeric(24,6), "price_version_id" uuid, "client_ip" character varying(64), "user_agent" character varying(500), CONSTRAINT "uq_call_records_request_id" UNIQUE ("request_id"), CONSTRAINT "pk_call_records" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_call_records_started" ON "call_records" ("started_at")`,
      `CREATE INDEX "idx_call_records_outcome_started" ON "call_records" ("outcome", "started_at")`,
      `CREATE INDEX "idx_call_records_member_started" ON "call_records" ("member_id", "started_at")`,
      `CREATE INDEX "idx_call_records_allocation_started" ON "call_records" ("allocation_id", "started_at")`,
      `CREATE TABLE "audit_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" character varying(16) NOT NULL, "actor_id" character varying(64), "action" character varying(64) NOT NULL, "target_type" character varying(32), "target_id" character varying(64), "source_ip" character varying(64), "request_id" character varying(64), "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "pk_audit_events" PRIMARY KEY ("id"))`,
      `CREATE INDEX "idx_audit_events_action" ON "audit_events" ("action", "occurred_at")`,
      `CREATE INDEX "idx_audit_events_target" ON "audit_events" ("target_type", "target_id", "occurred_at")`,
      `CREATE INDEX "idx_audit_events_actor" ON "audit_events" ("actor_id", "occurred_at")`,
      `CREATE INDEX "idx_audit_events_occurred" ON "audit_events" ("occurred_at")`,
      `ALTER TABLE "provider_credentials" ADD CONSTRAINT "fk_provider_credentials_provider" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "models" ADD CONSTRAINT "fk_models_provider" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "member_tags" ADD CONSTRAINT "fk_member_tags_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "member_tags" ADD CONSTRAINT "fk_member_tags_tag" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "invitations" ADD CONSTRAINT "fk_invitations_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "allocations" ADD CONSTRAINT "fk_allocations_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "allocations" ADD CONSTRAINT "fk_allocations_model" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "api_keys" ADD CONSTRAINT "fk_api_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "api_key_allocations" ADD CONSTRAINT "fk_api_key_allocations_key" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "api_key_allocations" ADD CONSTRAINT "fk_api_key_allocations_allocation" FOREIGN KEY ("allocation_id") REFERENCES "allocations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "price_versions" ADD CONSTRAINT "fk_price_versions_model" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    ]) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `ALTER TABLE "price_versions" DROP CONSTRAINT "fk_price_versions_model"`,
      `ALTER TABLE "api_key_allocations" DROP CONSTRAINT "fk_api_key_allocations_allocation"`,
      `ALTER TABLE "api_key_allocations" DROP CONSTRAINT "fk_api_key_allocations_key"`,
      `ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_member"`,
      `ALTER TABLE "allocations" DROP CONSTRAINT "fk_allocations_model"`,
      `ALTER TABLE "allocations" DROP CONSTRAINT "fk_allocations_member"`,
      `ALTER TABLE "invitations" DROP CONSTRAINT "fk_invitations_member"`,
      `ALTER TABLE "member_tags" DROP CONSTRAINT "fk_member_tags_tag"`,
      `ALTER TABLE "member_tags" DROP CONSTRAINT "fk_member_tags_member"`,
      `ALTER TABLE "models" DROP CONSTRAINT "fk_models_provider"`,
      `ALTER TABLE "provider_credentials" DROP CONSTRAINT "fk_provider_credentials_provider"`,
      `DROP INDEX "idx_audit_events_occurred"`,
      `DROP INDEX "idx_audit_events_actor"`,
      `DROP INDEX "idx_audit_events_target"`,
      `DROP INDEX "idx_audit_events_action"`,
      `DROP TABLE "audit_events"`,
      `DROP INDEX "idx_call_records_allocation_started"`,
      `DROP INDEX "idx_call_records_member_started"`,
      `DROP INDEX "idx_call_records_outcome_started"`,
      `DROP INDEX "idx_call_records_started"`,
      `DROP TABLE "call_records"`,
      `DROP TABLE "price_versions"`,
      `DROP INDEX "idx_api_key_allocations_allocation"`,
      `DROP TABLE "api_key_allocations"`,
      `DROP INDEX "idx_api_keys_member"`,
      `DROP TABLE "api_keys"`,
      `DROP INDEX "uq_allocations_member_model_name"`,
      `DROP INDEX "idx_allocations_member_created"`,
      `DROP INDEX "idx_allocations_status"`,
      `DROP INDEX "idx_allocations_model"`,
      `DROP TABLE "allocations"`,
      `DROP INDEX "idx_invitations_member"`,
      `DROP TABLE "invitations"`,
      `DROP INDEX "idx_member_tags_tag"`,
      `DROP TABLE "member_tags"`,
      `DROP TABLE "tags"`,
      `DROP INDEX "idx_members_role_status"`,
      `DROP TABLE "members"`,
      `DROP INDEX "idx_models_provider"`,
      `DROP TABLE "models"`,
      `DROP INDEX "idx_provider_credentials_routing"`,
      `DROP TABLE "provider_credentials"`,
      `DROP TABLE "providers"`,
      `DROP TABLE "encryption_canaries"`,
    ]) {
      await queryRunner.query(statement);
    }
  }
}
