import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, ChangeBus, type AppConfig } from '@allot/platform';
import { describeOp } from './org-plan';
import { planOrgConfig } from './org-planner';
import { OrgConfigRepository, type CreatedKey } from './org-config.repository';
import { exportOrgConfig } from './org-exporter';
import { OrgConfigSource } from './yaml-source';

export interface ApplyResult {
  changes: string[];
  notes: string[];
  createdKeys: CreatedKey[];
  dryRun: boolean;
}

/** Config as code (O6): apply an organization file idempotently, export the stored organization. */
@Injectable()
export class OrgConfigService {
  constructor(
    private readonly repository: OrgConfigRepository,
    private readonly bus: ChangeBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Validates the whole file (syntax, schema, references, environment) before writing anything, then applies every
   * change in one transaction. Throws `OrgConfigInvalid` with line-precise problems; nothing is half-applied.
   */
  async apply(
    file: string,
    text: string,
    env: Record<string, string | undefined>,
    options: { dryRun?: boolean; actor?: string } = {},
  ): Promise<ApplyResult> {
    const source = OrgConfigSource.parse(file, text);
    const result = await this.repository.transaction(async (tx): Promise<ApplyResult> => {
      const snapshot = await tx.snapshot();
      const plan = planOrgConfig(source, snapshot, env, { allowedNetworks: this.config.upstream.allowedNetworks });
      const changes = plan.ops.map(describeOp);
      if (options.dryRun || plan.ops.length === 0) return { changes, notes: plan.notes, createdKeys: [], dryRun: !!options.dryRun };
      const createdKeys = await tx.execute(plan.ops, snapshot, options.actor ?? 'config');
      return { changes, notes: plan.notes, createdKeys, dryRun: false };
    });
    if (!result.dryRun && result.changes.length > 0) {
      // An apply can touch every area; running processes re-read all of them.
      for (const topic of ['catalog', 'prices', 'members', 'allocations', 'keys'] as const) await this.bus.publish({ topic });
    }
    return result;
  }

  async export(): Promise<string> {
    return this.repository.transaction(async (tx) => exportOrgConfig(await tx.snapshot()));
  }
}
