import { Module, type DynamicModule } from '@nestjs/common';
import { AllocationsModule } from '@allot/allocations';
import { IdentityModule } from '@allot/identity';
import { PlatformModule, type PlatformParts } from '@allot/platform';
import { ProxyModule } from '@allot/proxy';
import { HealthController } from './health/health.controller';
import { OrgConfigModule } from './org-config/org-config.module';

/** The composition root: every lib's module, wired with one platform. */
@Module({})
export class AppModule {
  static forRoot(parts: PlatformParts): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(parts), IdentityModule, AllocationsModule, OrgConfigModule, ProxyModule],
      controllers: [HealthController],
    };
  }
}
