import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { ReadinessReport } from '@allot/contracts';
import { pendingMigrations } from '@allot/platform';

@Controller()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Liveness: the process answers. Never touches the database, so a database outage does not restart pods. */
  @Get('healthz')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration this build knows is applied. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report: ReadinessReport = { status: 'not_ready', database: 'down', migrations: 'unknown' };
    try {
      await this.dataSource.query('SELECT 1');
      report.database = 'up';
      report.migrations = (await pendingMigrations(this.dataSource)).length === 0 ? 'current' : 'pending';
    } catch {
      // The database is unreachable or failing: that is exactly what this endpoint reports.
    }
    if (report.database === 'up' && report.migrations === 'current') report.status = 'ready';
    else res.status(503);
    return report;
  }
}
