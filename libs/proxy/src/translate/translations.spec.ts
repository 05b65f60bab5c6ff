import type { ModelRoute } from '@allot/catalog';
import type { ProviderType, ResponsesSupport } from '@allot/contracts';
import { translationFor } from './translations';

/** Which path a Messages call takes to a model of each provider type, by the model’s Responses support. */
describe('translationFor on the Messages wire', () => {
  const route = (type: ProviderType, responses: ResponsesSupport) =>
    ({ provider: { type }, responses }) as unknown as Pick<ModelRoute, 'provider' | 'responses'>;

  it.each<[ProviderType, ResponsesSupport, string]>([
    ['openai', 'unknown', 'responses'],
    ['openai', 'available', 'responses'],
    ['openai', 'unavailable', 'chat'],
    ['azure-openai', 'unknown', 'responses'],
    ['azure-openai', 'unavailable', 'chat'],
    ['openai-compatible', 'unknown', 'chat'],
    ['openai-compatible', 'unavailable', 'chat'],
    ['openai-compatible', 'available', 'responses'],
    ['gemini', 'unknown', 'generate'],
    ['anthropic', 'unknown', 'native'],
  ])('sends a Messages call for a %s model (Responses %s) through its %s API', (type, responses, operation) => {
    expect(translationFor('messages', route(type, responses))?.upstreamOperation ?? 'native').toBe(operation);
  });
});
