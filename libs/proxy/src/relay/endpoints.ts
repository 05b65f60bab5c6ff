import type { UpstreamOperation } from '../adapters/provider-adapter';

/** The endpoint name the ledger records for each operation a client calls (`@V1Endpoint({ name })` uses the same). */
export const ENDPOINT_NAMES: Readonly<Record<UpstreamOperation, string>> = {
  chat: 'chat.completions',
  embeddings: 'embeddings',
  responses: 'responses',
  compact: 'responses.compact',
  messages: 'messages',
  count_tokens: 'messages.count_tokens',
  generate: 'gemini.generate_content',
  generate_stream: 'gemini.stream_generate_content',
};

/** The operation behind an endpoint name. */
export const OPERATIONS_BY_ENDPOINT: ReadonlyMap<string, UpstreamOperation> = new Map(
  Object.entries(ENDPOINT_NAMES).map(([operation, name]) => [name, operation as UpstreamOperation]),
);
