import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 1-hour cache writes (Anthropic's `ttl: "1h"`) cost more than 5-minute ones: their own token count and price. */
export class CacheWrite1h1796169600000 implements MigrationInterface {
  name = 'CacheWrite1h1796169600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "price_versions" ADD "cache_write_1h_per_million_micros" bigint`);
    await queryRunner.query(`ALTER TABLE "call_records" ADD "cache_write_1h_tokens" bigint NOT NULL DEFAULT '0'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "call_records" DROP COLUMN "cache_write_1h_tokens"`);
    await queryRunner.query(`ALTER TABLE "price_versions" DROP COLUMN "cache_write_1h_per_million_micros"`);
  }
}
