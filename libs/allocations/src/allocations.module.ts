import { Module } from '@nestjs/common';
import { AllocationAdminService } from './allocations/allocation-admin.service';
import { KeyResolver } from './keys/key-resolver.service';
import { KeysService } from './keys/keys.service';

@Module({ providers: [KeysService, KeyResolver, AllocationAdminService], exports: [KeysService, KeyResolver, AllocationAdminService] })
export class AllocationsModule {}
