import { Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RouteCatalog } from '@allot/catalog';
import { callableRoutes } from '../preflight/callable-routes';
import { PreflightGuard, V1Endpoint } from '../preflight/preflight.guard';
import { admittedCall as admitted } from '../preflight/preflight.service';
import { ProviderRelay } from '../relay/provider-relay.service';
import { StoredResponseProxy } from '../responses/stored-response-proxy.service';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The OpenAI wire: chat completions, responses, embeddings, models. Every route passes the preflight guard. */
@Controller('v1')
@UseGuards(PreflightGuard)
export class OpenAiController {
  constructor(
    private readonly relay: ProviderRelay,
    private readonly catalog: RouteCatalog,
    private readonly storedResponses: StoredResponseProxy,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @V1Endpoint({ name: 'chat.completions', requiresModel: true })
  chat(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.forward(admitted(req), 'chat', req, res);
  }

  @Post('responses')
  @HttpCode(200)
  @V1Endpoint({ name: 'responses', requiresModel: true })
  responses(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.forward(admitted(req), 'responses', req, res);
  }

  /** Forwarded where the provider has it; elsewhere a 400 naming the limitation. */
  @Post('responses/compact')
  @HttpCode(200)
  @V1Endpoint({ name: 'responses.compact', requiresModel: true })
  compact(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.forward(admitted(req), 'compact', req, res);
  }

  /** Stored responses, for their owner only (see StoredResponseProxy). */
  @Get('responses/:id')
  @V1Endpoint({ name: 'responses.retrieve', requiresModel: false })
  retrieveResponse(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.storedResponses.relay(req.allot!.key!, id, 'retrieve', req, res);
  }

  @Get('responses/:id/input_items')
  @V1Endpoint({ name: 'responses.input_items', requiresModel: false })
  responseInputItems(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.storedResponses.relay(req.allot!.key!, id, 'input_items', req, res);
  }

  @Delete('responses/:id')
  @V1Endpoint({ name: 'responses.delete', requiresModel: false })
  deleteResponse(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    return this.storedResponses.relay(req.allot!.key!, id, 'delete', req, res);
  }

  @Post('embeddings')
  @HttpCode(200)
  @V1Endpoint({ name: 'embeddings', requiresModel: true })
  embeddings(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.relay.forward(admitted(req), 'embeddings', req, res);
  }

  /** The models the key can call now: active allocations, allowed by policy, with a provider credential (C3). */
  @Get('models')
  @V1Endpoint({ name: 'models', requiresModel: false })
  async list(@Req() req: Request): Promise<{ object: 'list'; data: ModelObject[] }> {
    return { object: 'list', data: await this.models(req) };
  }

  @Get('models/*id')
  @V1Endpoint({ name: 'models', requiresModel: false })
  async one(@Req() req: Request, @Param('id') id: string | string[]): Promise<ModelObject> {
    const wanted = Array.isArray(id) ? id.join('/') : id;
    const model = (await this.models(req)).find((m) => m.id === wanted || m.id.slice(m.id.indexOf('/') + 1) === wanted);
    if (!model) throw new NotFoundException();
    return model;
  }

  private async models(req: Request): Promise<ModelObject[]> {
    const routes = await callableRoutes(req.allot!.key!, this.catalog);
    return routes
      .map((route): ModelObject => ({
        id: route.slug,
        object: 'model',
        created: Math.floor(route.createdAt.getTime() / 1000),
        owned_by: route.provider.name,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}
