import { join } from 'node:path';
import request from 'supertest';
import { Client } from 'pg';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PreflightGuard, V1_ENDPOINT } from '@allot/proxy';
import { startServer, type StartedServer } from '../../apps/gateway/src/server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { testLogger } from '../support/test-output';
import { testConfig, testEnv } from '../support/test-runtime';

describe('gateway server', () => {
  let db: TestDatabase;
  let server: StartedServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = testEnv(db, {
      PORT: '0',
      HOST: '127.0.0.1',
      ALLOT_CONSOLE_DIR: join(__dirname, '../fixtures/console'),
      ALLOT_BODY_LIMIT_MB: '1',
    });
    server = await startServer(testConfig(env), testLogger('gateway'));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it('should answer liveness and readiness', async () => {
    await request(server.url).get('/healthz').expect(200, { status: 'ok' });
    await request(server.url).get('/readyz').expect(200, { status: 'ready', database: 'up', migrations: 'current' });
  });

  it('should build requests and responses on Express’s own prototypes (no per-call prototype change)', async () => {
    const express = server.app.getHttpAdapter().getInstance() as { request: object; response: object };
    const http = server.app.getHttpServer() as import('node:http').Server;
    // Read before Express handles the call (it would set these prototypes itself, at a cost: see express-http-adapter.ts).
    const seen = new Promise<[object, object]>((resolve) =>
      http.prependOnceListener('request', (req: object, res: object) => resolve([Object.getPrototypeOf(req), Object.getPrototypeOf(res)])),
    );
    await request(server.url).get('/healthz').expect(200);
    const [requestPrototype, responsePrototype] = await seen;
    expect(requestPrototype).toBe(express.request);
    expect(responsePrototype).toBe(express.response);
  });

  it('should put a request id on every response, keeping a sane one from the caller', async () => {
    const fresh = await request(server.url).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(server.url).get('/nope/at/all').set('x-request-id', 'client-chosen-id-123');
    expect(kept.headers['x-request-id']).toBe('client-chosen-id-123');
    const replaced = await request(server.url).get('/healthz').set('x-request-id', 'bad id\twith spaces');
    // Replaced by a fresh UUID (whose hex may well contain "bad": compare the shape, not substrings).
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('should serve the console at / and for client-side routes, and its assets', async () => {
    const home = await request(server.url).get('/').expect(200);
    expect(home.text).toContain('<app-root></app-root>');
    const deep = await request(server.url).get('/invite/some-token').set('accept', 'text/html').expect(200);
    expect(deep.text).toContain('<app-root></app-root>');
    const css = await request(server.url).get('/styles-TEST.css').expect(200);
    expect(css.headers['cache-control']).toContain('immutable');
  });

  it('should answer unknown API paths with the admin error shape, not the console', async () => {
    const res = await request(server.url).get('/api/v1/nothing-here').expect(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'not_found', message: expect.any(String) });
  });

  it('should print a one-time link for the first admin that the console can look up', async () => {
    expect(server.firstAdminLink).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{43}$`));
    const token = server.firstAdminLink!.split('/').pop()!;
    const res = await request(server.url).get(`/api/v1/invitations/${token}`).expect(200);
    expect(res.body).toEqual({ identifier: 'admin', role: 'admin', expiresAt: expect.any(String) });
    expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(47 * 3_600_000);
  });

  it('should tell unknown, used and expired invitations apart without echoing the token', async () => {
    const unknown = await request(server.url)
      .get(`/api/v1/invitations/${'A'.repeat(43)}`)
      .expect(404);
    expect(unknown.body.code).toBe('invitation_not_found');
    await request(server.url).get('/api/v1/invitations/short').expect(404);

    const token = server.firstAdminLink!.split('/').pop()!;
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`UPDATE invitations SET expires_at = now() - interval '1 minute'`);
      const expired = await request(server.url).get(`/api/v1/invitations/${token}`).expect(410);
      expect(expired.body.code).toBe('invitation_expired');
      await client.query(`UPDATE invitations SET expires_at = now() + interval '1 hour', used_at = now()`);
      const used = await request(server.url).get(`/api/v1/invitations/${token}`).expect(410);
      expect(used.body).toEqual({ statusCode: 410, code: 'invitation_used', message: 'This invitation link has already been used.' });
      expect(JSON.stringify(used.body)).not.toContain(token);
    } finally {
      await client.end();
    }
  });

  it('should reject a body over the limit with 413 before using it', async () => {
    const res = await request(server.url)
      .post('/api/v1/invitations/x')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('should answer malformed JSON with a 400 in the admin error shape', async () => {
    const res = await request(server.url).post('/api/v1/invitations/x').set('content-type', 'application/json').send('{"broken":');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_json' });
  });

  it('should issue a new first-admin link on the next start while no admin can sign in, without a second admin', async () => {
    const again = await startServer(testConfig(env), testLogger('gateway'));
    try {
      expect(again.firstAdminLink).toBeDefined();
      expect(again.firstAdminLink).not.toBe(server.firstAdminLink);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const admins = await client.query(`SELECT identifier FROM members WHERE role = 'admin'`);
      const live = await client.query(`SELECT count(*)::int AS n FROM invitations WHERE revoked_at IS NULL AND used_at IS NULL`);
      await client.end();
      expect(admins.rows).toEqual([{ identifier: 'admin' }]);
      expect(live.rows[0].n).toBe(1);
    } finally {
      await again.stop();
    }
  });

  it('should run the preflight pipeline on every /v1 route (route inventory)', () => {
    const routes: { route: string; path: string; guarded: boolean; declared: boolean }[] = [];
    for (const module of server.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
        if (!controller) continue;
        const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\/|\/$/g, '');
        const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '').replace(/^\//, '')].filter(Boolean).join('/')}`;
          const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
          routes.push({
            route: `${method} ${path}`,
            path,
            guarded: guards.includes(PreflightGuard),
            declared: Reflect.getMetadata(V1_ENDPOINT, handler) !== undefined,
          });
        }
      }
    }
    const v1 = routes.filter((r) => r.path === '/v1' || r.path.startsWith('/v1/'));
    expect(v1.map((r) => r.route).sort()).toEqual([
      'DELETE /v1/responses/:id',
      'GET /v1/models',
      'GET /v1/models/*id',
      'GET /v1/responses/:id',
      'GET /v1/responses/:id/input_items',
      'POST /v1/chat/completions',
      'POST /v1/embeddings',
      'POST /v1/messages',
      'POST /v1/messages/count_tokens',
      'POST /v1/responses',
      'POST /v1/responses/compact',
    ]);
    expect(v1.filter((r) => !r.guarded || !r.declared)).toEqual([]);
  });
});
