import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ownership and location of responses stored upstream (`store: true`), for `previous_response_id` and GET/DELETE. */
export class StoredResponses1796083200000 implements MigrationInterface {
  name = 'StoredResponses1796083200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "stored_responses" ("response_id" character varying(128) NOT NULL, "member_id" uuid NOT NULL, "allocation_id" uuid NOT NULL, "model_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "credential_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_stored_responses" PRIMARY KEY ("response_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_stored_responses_expires" ON "stored_responses" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "stored_responses"`);
  }
}
