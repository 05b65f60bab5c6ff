import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PreflightGuard, V1Endpoint } from '../preflight/preflight.guard';
import { admittedCall as admitted } from '../preflight/preflight.service';
import { ProviderRelay } from '../relay/provider-relay.service';
import { translationFor } from '../translate/translations';

/**
 * The Anthropic Messages wire, so Claude Code and the Anthropic SDKs can use the gateway as their base URL
 * (`x-api-key` or Bearer). Native to Anthropic providers; other providers need a translation (not yet: a 400 says so).
 */
@Controller('v1/messages')
@UseGuards(PreflightGuard)
export class AnthropicController {
  constructor(private readonly relay: ProviderRelay) {}

  @Post()
  @HttpCode(200)
  @V1Endpoint({ name: 'messages', requiresModel: true })
  messages(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.forward(admitted(req), 'messages', req, res);
  }

  @Post('count_tokens')
  @HttpCode(200)
  @V1Endpoint({ name: 'messages.count_tokens', requiresModel: true })
  countTokens(@Req() req: Request, @Res() res: Response): Promise<void> {
    const call = admitted(req);
    // Vendors the Messages wire is translated to have no count endpoint for it: the gateway's own o200k count of the
    // prompt (the estimate quotas reserve with; it slightly over-counts, since it counts the JSON around the text).
    // Anthropic counts natively; any other provider gets the relay's 400 naming the gap.
    if (!translationFor('messages', call.route)) return this.relay.forward(call, 'count_tokens', req, res);
    return this.relay.answerLocally(call, 'count_tokens', req, res, { input_tokens: call.promptTokens() });
  }
}
