import { Module } from '@nestjs/common';
import { KeyResolver } from './keys/key-resolver.service';
import { KeysService } from './keys/keys.service';

@Module({ providers: [KeysService, KeyResolver], exports: [KeysService, KeyResolver] })
export class AllocationsModule {}
