import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PreflightGuard, V1Endpoint } from '../preflight/preflight.guard';
import { admittedCall as admitted } from '../preflight/preflight.service';
import { ProviderRelay } from '../relay/provider-relay.service';

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
    return this.relay.forward(admitted(req), 'count_tokens', req, res);
  }
}
