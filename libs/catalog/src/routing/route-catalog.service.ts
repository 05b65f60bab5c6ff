import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccessMode, ModelKind, ProviderType, ResponsesSupport } from '@allot/contracts';
import { APP_CONFIG, ChangeBus, KeyringService, type AppConfig } from '@allot/platform';
import { ModelEntity } from '../models/entities/model.entity';
import { ProviderCredentialEntity, type CredentialSettings } from '../providers/entities/provider-credential.entity';
import { ProviderEntity, type ProviderSettings } from '../providers/entities/provider.entity';

/** An active credential, decrypted: only ever held in memory and sent in a header. */
export interface RouteCredential {
  id: string;
  label: string;
  apiKey: string;
  baseUrl: string | null;
  settings: CredentialSettings;
}

/** Everything an adapter needs to call a model upstream. */
export interface ModelRoute {
  modelId: string;
  slug: string;
  upstreamName: string;
  kind: ModelKind;
  maxOutputTokens: number | null;
  /** Whether the Responses API works for this model upstream (tested or set by an admin). */
  responses: ResponsesSupport;
  createdAt: Date;
  /** Tag policy (C3); the policy lib decides with it. */
  access: { mode: AccessMode; allowTags: string[]; denyTags: string[] };
  provider: { id: string; name: string; type: ProviderType; baseUrl: string | null; settings: ProviderSettings; active: boolean };
  credentials: RouteCredential[];
}

/** The routing view of the catalog, held in memory and rebuilt after the cache TTL. */
@Injectable()
export class RouteCatalog {
  private routes = new Map<string, ModelRoute>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keyring: KeyringService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    bus: ChangeBus,
  ) {
    bus.on((event) => {
      if (event.topic === 'catalog') this.invalidateAll();
    });
  }

  async route(modelId: string): Promise<ModelRoute | undefined> {
    await this.fresh();
    return this.routes.get(modelId);
  }

  async routeBySlug(slug: string): Promise<ModelRoute | undefined> {
    await this.fresh();
    for (const route of this.routes.values()) if (route.slug === slug) return route;
    return undefined;
  }

  invalidateAll(): void {
    this.loadedAt = 0;
  }

  /** Past the TTL the current copy keeps serving while a background read replaces it; only the first load is awaited. */
  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.config.cacheTtlMs) return;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    if (this.routes.size > 0 && this.loadedAt > 0) {
      this.loading.catch(() => undefined);
      return;
    }
    await this.loading;
  }

  private async load(): Promise<void> {
    const providers = await this.dataSource.getRepository(ProviderEntity).find();
    const credentials = await this.dataSource
      .getRepository(ProviderCredentialEntity)
      .createQueryBuilder('c')
      .addSelect('c.secretCiphertext')
      .where(`c.status = 'active'`)
      .orderBy('c.label')
      .getMany();
    const models = await this.dataSource.getRepository(ModelEntity).find();
    const byProvider = new Map(providers.map((p) => [p.id, p]));
    const routes = new Map<string, ModelRoute>();
    for (const model of models) {
      const provider = byProvider.get(model.providerId)!;
      routes.set(model.id, {
        modelId: model.id,
        slug: model.slug,
        upstreamName: model.upstreamName,
        kind: model.kind,
        maxOutputTokens: model.maxOutputTokens,
        responses: model.responsesSupport,
        createdAt: model.createdAt,
        access: { mode: model.defaultAccess, allowTags: model.allowedTags, denyTags: model.deniedTags },
        provider: {
          id: provider.id,
          name: provider.name,
          type: provider.type,
          baseUrl: provider.baseUrl,
          settings: provider.settings,
          active: provider.status === 'active',
        },
        credentials: credentials
          .filter((c) => c.providerId === provider.id)
          .map((c) => ({
            id: c.id,
            label: c.label,
            apiKey: this.keyring.decryptSecret(c.secretCiphertext!, `provider_credentials:${c.id}`),
            baseUrl: c.baseUrl,
            settings: c.settings,
          })),
      });
    }
    this.routes = routes;
    this.loadedAt = Date.now();
  }
}
