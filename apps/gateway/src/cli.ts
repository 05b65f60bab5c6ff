import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pino, { type Logger } from 'pino';
import { AllocationAdminService, hashApiKey, isWellFormedApiKey, KeyResolver, KeysService } from '@allot/allocations';
import { ModelCapabilities, RouteCatalog } from '@allot/catalog';
import { RESPONSES_SUPPORT, type ResponsesSupport } from '@allot/contracts';
import { callableRoutes, ResponsesProbe } from '@allot/proxy';
import { AdminBootstrapService } from '@allot/identity';
import {
  ConfigError,
  createLogger,
  DomainError,
  Keyring,
  KeyringError,
  KeyringService,
  loadConfig,
  pendingMigrations,
  revertMigrationsLocked,
  runMigrationsLocked,
  type AppConfig,
} from '@allot/platform';
import { OrgConfigService } from './org-config/org-config.service';
import { OrgConfigInvalid } from './org-config/yaml-source';
import { openCliRuntime, type RuntimeOptions } from './runtime';

class UsageError extends Error {}

/** Providers whose chat models serve /v1/responses (natively, or translated: Codex runs on Claude and Gemini too). */

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** What the runtime must do before the command runs; undefined: the command needs no database. */
  runtime?: RuntimeOptions;
  run(args: Record<string, string | boolean | (string | boolean)[] | undefined>, ctx: Context): Promise<void>;
}

interface Context {
  config: AppConfig;
  /** The environment the command was given (API keys for `apply` are read from it). */
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  get<T>(type: new (...args: never[]) => T): T;
  runtime: Awaited<ReturnType<typeof openCliRuntime>> | undefined;
}

const str = (value: unknown, flag: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${flag} is required`);
  return value;
};

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'apply pending migrations (or --status, --check, --down N)',
    usage: 'migrate [--status | --check | --down N]',
    options: { status: { type: 'boolean' }, check: { type: 'boolean' }, down: { type: 'string' } },
    runtime: { migrate: false, verifyKeyring: false },
    async run(args, ctx) {
      const dataSource = ctx.runtime!.dataSource;
      if (args.status || args.check) {
        const pending = await pendingMigrations(dataSource);
        for (const m of dataSource.migrations) ctx.out(`${pending.includes(m.name!) ? '[ ]' : '[x]'} ${m.name}`);
        if (args.check && pending.length > 0) throw new DomainError(1, 'migrations_pending', `${pending.length} migration(s) pending`);
        return;
      }
      if (args.down !== undefined) {
        const steps = Number(args.down);
        if (!Number.isInteger(steps) || steps < 1)
          throw new UsageError('--down takes a whole number of migrations to revert, e.g. --down 1');
        const reverted = await revertMigrationsLocked(dataSource, steps);
        ctx.out(reverted.length ? reverted.map((n) => `reverted ${n}`).join('\n') : 'nothing to revert');
        return;
      }
      const { applied } = await runMigrationsLocked(dataSource);
      ctx.out(applied.length ? applied.map((n) => `applied ${n}`).join('\n') : 'migrations are current');
    },
  },
  'create-admin': {
    summary: 'create (or promote) an admin and print a one-time sign-in link',
    usage: 'create-admin --identifier <email or username> [--name "Display Name"]',
    options: { identifier: { type: 'string' }, name: { type: 'string' } },
    runtime: { migrate: true, verifyKeyring: true },
    async run(args, ctx) {
      const result = await ctx
        .get(AdminBootstrapService)
        .createAdmin(str(args.identifier, 'identifier'), 'cli', args.name as string | undefined);
      ctx.out(`${result.created ? 'Created' : 'Updated'} admin ${result.identifier}.`);
      ctx.out(`One-time link (valid until ${result.expiresAt.toISOString()}):\n  ${result.url}`);
    },
  },
  'create-key': {
    summary: "issue a key for a member's allocations and print it once",
    usage:
      'create-key --member <identifier> --name <name> --allocation <provider/model[#allocation]> [--allocation …] [--expires <ISO date>]',
    options: {
      member: { type: 'string' },
      name: { type: 'string' },
      allocation: { type: 'string', multiple: true },
      expires: { type: 'string' },
    },
    runtime: { migrate: true, verifyKeyring: true },
    async run(args, ctx) {
      const allocations = (args.allocation as string[] | undefined) ?? [];
      if (allocations.length === 0) throw new UsageError('--allocation is required (repeat it for several models)');
      let expiresAt: Date | undefined;
      if (args.expires !== undefined) {
        expiresAt = new Date(String(args.expires));
        if (Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires must be an ISO date such as 2027-01-31');
      }
      const key = await ctx.get(KeysService).create({
        member: str(args.member, 'member'),
        name: str(args.name, 'name'),
        allocations,
        ...(expiresAt ? { expiresAt } : {}),
        origin: 'cli',
        createdBy: 'cli',
      });
      ctx.out(`Key ${key.prefix}… for ${key.models.join(', ')}. It is shown once; store it now:\n  ${key.plaintext}`);
    },
  },
  apply: {
    summary: 'apply an organization file (idempotent; --dry-run shows the changes)',
    usage: 'apply -f <org.yaml> [--dry-run]',
    options: { file: { type: 'string', short: 'f' }, 'dry-run': { type: 'boolean' } },
    runtime: { migrate: true, verifyKeyring: true },
    async run(args, ctx) {
      const file = str(args.file, 'file');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      const result = await ctx.get(OrgConfigService).apply(file, text, ctx.env, { dryRun: !!args['dry-run'], actor: 'cli' });
      for (const note of result.notes) ctx.out(`note: ${note}`);
      if (result.changes.length === 0) {
        ctx.out('No changes: the stored organization already matches the file.');
        return;
      }
      ctx.out(result.changes.join('\n'));
      ctx.out(`${result.changes.length} change(s) ${result.dryRun ? 'would be applied (dry run, nothing written)' : 'applied'}.`);
      if (result.createdKeys.length > 0) {
        ctx.out('\nNew keys (shown once; store them now):');
        for (const key of result.createdKeys) ctx.out(`  ${key.member}/${key.name}: ${key.plaintext}`);
      }
    },
  },
  export: {
    summary: 'write the organization as an apply file, without secrets',
    usage: 'export [-o <file>]',
    options: { output: { type: 'string', short: 'o' } },
    runtime: { migrate: true, verifyKeyring: false },
    async run(args, ctx) {
      const text = await ctx.get(OrgConfigService).export();
      if (typeof args.output === 'string') {
        writeFileSync(args.output, text);
        ctx.out(`wrote ${args.output}`);
      } else ctx.out(text.trimEnd());
    },
  },
  ...Object.fromEntries(
    (['pause', 'resume', 'revoke'] as const).map((action) => [
      `${action}-allocation`,
      {
        summary: `${action} a member's allocation; open calls on it end at once`,
        usage: `${action}-allocation --member <identifier> --model <provider/model> [--name <allocation>] [--reason <text>]`,
        options: { member: { type: 'string' }, model: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } },
        runtime: { migrate: true, verifyKeyring: false },
        async run(args, ctx) {
          const ref = {
            member: str(args.member, 'member'),
            model: str(args.model, 'model'),
            ...(typeof args.name === 'string' ? { name: args.name } : {}),
          };
          const allocation = await ctx.get(AllocationAdminService).change(ref, action, 'cli', args.reason as string | undefined);
          ctx.out(`allocation ${ref.member} ${ref.model}#${allocation.name} is now ${allocation.status}`);
        },
      } satisfies Command,
    ]),
  ),
  'revoke-key': {
    summary: "revoke a member's key; open calls with it end at once",
    usage: 'revoke-key --member <identifier> --name <key name> [--reason <text>]',
    options: { member: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } },
    runtime: { migrate: true, verifyKeyring: false },
    async run(args, ctx) {
      await ctx
        .get(AllocationAdminService)
        .revokeKey(str(args.member, 'member'), str(args.name, 'name'), 'cli', args.reason as string | undefined);
      ctx.out(`key ${args.member}/${args.name} revoked`);
    },
  },
  rekey: {
    summary: 're-encrypt every stored secret under the active encryption key',
    usage: 'rekey',
    options: {},
    runtime: { migrate: true, verifyKeyring: true },
    async run(_args, ctx) {
      const service = ctx.get(KeyringService);
      const reports = await service.reEncryptAll(ctx.runtime!.dataSource);
      for (const r of reports) ctx.out(`${r.table}: ${r.reEncrypted} secret(s) re-encrypted under key "${service.activeKeyId}"`);
    },
  },
  'test-responses': {
    summary: "test with one tiny billable request whether a model's provider serves the Responses API, and record it",
    usage: 'test-responses --model <provider/model> [--set available|unavailable|unknown]',
    options: { model: { type: 'string' }, set: { type: 'string' } },
    runtime: { migrate: true, verifyKeyring: true },
    async run(args, ctx) {
      const slug = str(args.model, 'model');
      if (args.set !== undefined) {
        if (!RESPONSES_SUPPORT.includes(args.set as ResponsesSupport))
          throw new UsageError(`--set must be one of ${RESPONSES_SUPPORT.join(', ')}`);
        await ctx.get(ModelCapabilities).setResponsesSupport(slug, args.set as ResponsesSupport, 'manual');
        ctx.out(`${slug}: Responses API ${String(args.set)} (set manually)`);
        return;
      }
      const result = await ctx.get(ResponsesProbe).test(slug);
      ctx.out(`${slug}: Responses API ${result.support} (tested: ${result.detail})`);
    },
  },
  'codex-config': {
    summary: "print a ~/.codex/config.toml that points the Codex CLI at this gateway with one of a member's keys",
    usage: 'codex-config (--key <allot_k1_…> | --member <identifier> --key-name <name>) [--model <provider/model>]',
    options: { key: { type: 'string' }, member: { type: 'string' }, 'key-name': { type: 'string' }, model: { type: 'string' } },
    runtime: { migrate: true, verifyKeyring: false },
    async run(args, ctx) {
      let hash: string;
      if (typeof args.key === 'string') {
        if (!isWellFormedApiKey(args.key)) throw new UsageError('--key is not an Allot key (allot_k1_…)');
        hash = hashApiKey(args.key);
      } else hash = await ctx.get(KeysService).activeKeyHash(str(args.member, 'member'), str(args['key-name'], 'key-name'));
      const key = await ctx.get(KeyResolver).resolveHash(hash, { fresh: true });
      if (!key || key.revokedAt) throw new DomainError(404, 'key_not_found', 'no active key matches');
      // Every provider type serves /v1/responses, natively or through a translation: any callable chat model will do.
      const usable = (await callableRoutes(key, ctx.get(RouteCatalog))).filter((route) => route.kind === 'chat').map((route) => route.slug);
      const model = typeof args.model === 'string' ? args.model : usable[0];
      if (!model || !usable.includes(model)) {
        throw new DomainError(
          404,
          'model_not_usable',
          `this key has no ${typeof args.model === 'string' ? `usable allocation of ${args.model}` : 'model'} for the Responses API` +
            (usable.length ? `; it can use: ${usable.join(', ')}` : ''),
        );
      }
      ctx.out(codexConfig(ctx.config.http.publicUrl, model, usable));
    },
  },
  'generate-key': {
    summary: 'print a new encryption key entry for ALLOT_ENCRYPTION_KEYS',
    usage: 'generate-key [--id <key id>]',
    options: { id: { type: 'string' } },
    async run(args, ctx) {
      const id = typeof args.id === 'string' ? args.id : `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
      ctx.out(Keyring.generateEntry(id));
    },
  },
};

/**
 * Codex's provider block: `wire_api = "responses"`, a base URL ending in /v1, and the key read from an environment
 * variable (never written into the file). The provider is not named "azure", which would switch Codex to remote
 * compaction items.
 */
function codexConfig(publicUrl: string, model: string, usable: string[]): string {
  return [
    '# ~/.codex/config.toml: Codex through Allot',
    `# Before running codex: export ALLOT_API_KEY=<your allot_k1_… key>`,
    usable.length > 1 ? `# Models this key can use: ${usable.join(', ')}` : undefined,
    `model = "${model}"`,
    'model_provider = "allot"',
    '',
    '[model_providers.allot]',
    'name = "Allot"',
    `base_url = "${publicUrl.replace(/\/+$/, '')}/v1"`,
    'wire_api = "responses"',
    'env_key = "ALLOT_API_KEY"',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment (see README).',
  ].join('\n');
}

/** `options.logger` replaces the stderr logger (tests log an in-process run to a file at trace level). */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  options: { logger?: Logger } = {},
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n${help()}\n`);
    return 2;
  }
  let runtime: Context['runtime'];
  try {
    let args;
    try {
      ({ values: args } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const config = loadConfig(env);
    // Logs go to stderr at warn level so the command's own output stays clean for pipes.
    const logger = options.logger ?? createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
    if (command.runtime) runtime = await openCliRuntime(config, logger, command.runtime);
    const opened = runtime;
    await command.run(args, {
      config,
      env,
      out,
      runtime,
      get: (type) => {
        if (!opened) throw new Error(`internal: ${name} has no runtime`);
        return opened.app.get(type);
      },
    });
    return 0;
  } catch (error) {
    process.stderr.write(`${describeFailure(error, command)}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await runtime?.close();
  }
}

function describeFailure(error: unknown, command: Command): string {
  if (error instanceof UsageError) return `${error.message}\nUsage: npm run cli -- ${command.usage}`;
  if (error instanceof ConfigError || error instanceof OrgConfigInvalid) return error.message;
  if (error instanceof DomainError || error instanceof KeyringError) return `${error.code}: ${error.message}`;
  return `failed: ${error instanceof Error ? error.message : String(error)}`;
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
