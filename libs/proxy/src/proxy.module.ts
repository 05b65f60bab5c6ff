import { Module } from '@nestjs/common';
import { AllocationsModule } from '@allot/allocations';
import { BillingModule } from '@allot/billing';
import { CatalogModule } from '@allot/catalog';
import { AnthropicController } from './anthropic/anthropic.controller';
import { OpenAiController } from './openai/openai.controller';
import { PreflightGuard } from './preflight/preflight.guard';
import { PreflightService } from './preflight/preflight.service';
import { LiveCalls } from './relay/live-calls.service';
import { ProviderRelay } from './relay/provider-relay.service';
import { ParameterRules } from './relay/parameter-compat';
import { StoredResponseProxy } from './responses/stored-response-proxy.service';
import { ResponsesProbe } from './responses/responses-probe.service';
import { StoredResponses } from './responses/stored-responses.service';
import { UpstreamClient } from './upstream/upstream-client.service';

@Module({
  imports: [AllocationsModule, CatalogModule, BillingModule],
  controllers: [OpenAiController, AnthropicController],
  providers: [
    PreflightService,
    PreflightGuard,
    UpstreamClient,
    ProviderRelay,
    LiveCalls,
    ParameterRules,
    StoredResponses,
    StoredResponseProxy,
    ResponsesProbe,
  ],
  exports: [ResponsesProbe],
})
export class ProxyModule {}
