import type { ModelRoute, RouteCredential } from '@allot/catalog';
import { GatewayError } from '../errors/gateway-error';
import { upstreamTarget } from './provider-adapter';

const credential = (baseUrl: string | null = null): RouteCredential => ({
  id: 'c1',
  label: 'main',
  apiKey: 'AIza-unit-test-key',
  baseUrl,
  settings: {},
});
const route = (upstreamName = 'gemini-2.5-pro'): ModelRoute =>
  ({
    modelId: 'm1',
    slug: `gemini/${upstreamName}`,
    upstreamName,
    provider: { id: 'p1', name: 'gemini', type: 'gemini', baseUrl: null, settings: {}, active: true },
    credentials: [],
  }) as unknown as ModelRoute;

describe('Gemini adapter', () => {
  it('targets generateContent and the SSE stream at their own URLs, with the key only in x-goog-api-key', () => {
    const c = credential();
    const json = upstreamTarget(route(), c, 'generate');
    const stream = upstreamTarget(route(), c, 'generate_stream');
    expect(json.url.href).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent');
    expect(stream.url.href).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    for (const target of [json, stream]) {
      expect(target.headers['x-goog-api-key']).toBe('AIza-unit-test-key');
      expect(target.headers.authorization).toBeUndefined();
      expect(target.url.href).not.toContain('AIza');
      expect(target.bodyModel).toBeUndefined(); // the URL names the model
    }
    // Cached per credential and operation: the stream target is not the JSON one.
    expect(upstreamTarget(route(), c, 'generate')).toBe(json);
    expect(upstreamTarget(route(), c, 'generate_stream')).toBe(stream);
  });

  it.each([
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000/v1beta/models/gemini-2.5-pro:generateContent'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000/v1beta/models/gemini-2.5-pro:generateContent'],
    ['https://proxy.example/v1', 'https://proxy.example/v1/models/gemini-2.5-pro:generateContent'],
    ['https://proxy.example/google/v1beta', 'https://proxy.example/google/v1beta/models/gemini-2.5-pro:generateContent'],
  ])('keeps a base URL %s (adding /v1beta unless it names a version)', (base, url) => {
    expect(upstreamTarget(route(), credential(base), 'generate').url.href).toBe(url);
  });

  it('accepts upstream names written as models/…', () => {
    expect(upstreamTarget(route('models/gemini-2.5-flash'), credential(), 'generate').url.pathname).toBe(
      '/v1beta/models/gemini-2.5-flash:generateContent',
    );
  });

  it('refuses wires Gemini does not speak, naming them', () => {
    expect(() => upstreamTarget(route(), credential(), 'embeddings')).toThrow(GatewayError);
    expect(() => upstreamTarget(route(), credential(), 'chat')).toThrow(/does not speak chat completions/);
  });
});
