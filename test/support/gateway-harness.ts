import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Pool } from 'pg';
import { LedgerWriter } from '@allot/billing';
import { OrgConfigService } from '../../apps/gateway/src/org-config/org-config.service';
import { startServer, type StartedServer } from '../../apps/gateway/src/server';
import { AnthropicFake } from '../fakes/anthropic-fake';
import { GeminiFake } from '../fakes/gemini-fake';
import { OpenAiFake } from '../fakes/openai-fake';
import { PROVIDER_KEYS } from './canary-secrets';
import { createTestDatabase, type TestDatabase } from './test-database';
import { testLogger } from './test-output';
import { testConfig, testEnv } from './test-runtime';

export const FAKE_PROVIDER_KEY = PROVIDER_KEYS.harnessOpenai;
export const FAKE_AZURE_KEY = PROVIDER_KEYS.harnessAzure;

/** A gateway on a private database, an OpenAI fake as its provider, and an organization applied from YAML. */
export interface GatewayHarness {
  db: TestDatabase;
  fake: OpenAiFake;
  server: StartedServer;
  pg: Pool;
  /** New keys by `member/name`. */
  keys: Record<string, string>;
  client(key: string): OpenAI;
  /** The call's ledger row; the gateway writes it right after the response ends, so this waits briefly. */
  ledger(requestId: string | null | undefined): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startGatewayHarness(
  org: (fakeUrl: string) => string,
  extraEnv: Record<string, string> = {},
  /** More provider keys the org file reads (other fakes' canary keys). */
  providerEnv: Record<string, string> = {},
): Promise<GatewayHarness> {
  const db = await createTestDatabase();
  const fake = await new OpenAiFake().start();
  const env = testEnv(db, { PORT: '0', HOST: '127.0.0.1', ALLOT_CACHE_TTL_MS: '200', ...extraEnv });
  const logger = testLogger('gateway');
  const server = await startServer(testConfig(env), logger);
  const applied = await server.app
    .get(OrgConfigService)
    .apply('org.yaml', org(fake.url), { FAKE_OPENAI_KEY: FAKE_PROVIDER_KEY, FAKE_AZURE_KEY, ...providerEnv });
  const pg = new Pool({ connectionString: db.url, max: 4 });
  return {
    db,
    fake,
    server,
    pg,
    keys: Object.fromEntries(applied.createdKeys.map((k) => [`${k.member}/${k.name}`, k.plaintext])),
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 }),
    ledger: async (requestId) => {
      if (!requestId) throw new Error('the response carried no x-request-id');
      for (let attempt = 0; attempt < 40; attempt++) {
        await server.app.get(LedgerWriter).flush();
        const rows = await pg.query(`SELECT * FROM call_records WHERE request_id = $1`, [requestId]);
        if (rows.rows[0]) return rows.rows[0] as Record<string, unknown>;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ledger record for ${requestId}`);
    },
    stop: async () => {
      await pg.end();
      await server.stop();
      await fake.stop();
      await db.close();
      logger.close();
    },
  };
}

/** The base URLs of the three fakes, for the org file. */
export interface FakeUrls {
  openai: string;
  anthropic: string;
  gemini: string;
}

/** A gateway harness with Anthropic and Gemini fakes besides the OpenAI one. */
export interface VendorHarness extends GatewayHarness {
  anthropic: AnthropicFake;
  gemini: GeminiFake;
  /** An official Anthropic SDK client on the gateway (the Messages wire). */
  claude(key: string, opts?: Partial<ClientOptions>): Anthropic;
  /** Drops unconsumed scripts of all three fakes. */
  clearScripts(): void;
}

/**
 * `startGatewayHarness` with an Anthropic and a Gemini fake too. The org file reads their canary keys from
 * ANTHROPIC_KEY (or ANTHROPIC_KEY_A and ANTHROPIC_KEY_B, two credentials) and GEMINI_KEY.
 */
export async function startVendorHarness(org: (urls: FakeUrls) => string, extraEnv: Record<string, string> = {}): Promise<VendorHarness> {
  const anthropic = await new AnthropicFake().start();
  const gemini = await new GeminiFake().start();
  const h = await startGatewayHarness((openai) => org({ openai, anthropic: anthropic.url, gemini: gemini.url }), extraEnv, {
    ANTHROPIC_KEY: PROVIDER_KEYS.anthropicMain,
    ANTHROPIC_KEY_A: PROVIDER_KEYS.anthropicMain,
    ANTHROPIC_KEY_B: PROVIDER_KEYS.anthropicSecond,
    GEMINI_KEY: PROVIDER_KEYS.geminiMain,
  });
  return {
    ...h,
    anthropic,
    gemini,
    claude: (key, opts = {}) => new Anthropic({ apiKey: key, baseURL: h.server.url, maxRetries: 0, ...opts }),
    clearScripts: () => {
      h.fake.clearScripts();
      anthropic.clearScripts();
      gemini.clearScripts();
    },
    stop: async () => {
      await h.stop();
      await anthropic.stop();
      await gemini.stop();
    },
  };
}
