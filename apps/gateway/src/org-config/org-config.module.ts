import { Module } from '@nestjs/common';
import { OrgConfigRepository } from './org-config.repository';
import { OrgConfigService } from './org-config.service';

@Module({ providers: [OrgConfigRepository, OrgConfigService], exports: [OrgConfigService] })
export class OrgConfigModule {}
