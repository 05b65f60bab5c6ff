import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CapabilitySource, ResponsesSupport } from '@allot/contracts';
import { ChangeBus, DomainError } from '@allot/platform';
import { ModelEntity } from './entities/model.entity';

/** Records what is known about a model's capabilities (C6) and tells every gateway process. */
@Injectable()
export class ModelCapabilities {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: ChangeBus,
  ) {}

  async setResponsesSupport(slug: string, support: ResponsesSupport, source: CapabilitySource): Promise<void> {
    const result = await this.dataSource
      .getRepository(ModelEntity)
      .update(
        { slug },
        { responsesSupport: support, responsesSupportSource: support === 'unknown' ? null : source, responsesCheckedAt: new Date() },
      );
    if (!result.affected) throw new DomainError(404, 'model_not_found', `there is no model "${slug}"`);
    await this.bus.publish({ topic: 'catalog' });
  }
}
