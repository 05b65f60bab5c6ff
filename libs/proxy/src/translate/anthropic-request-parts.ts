import { GatewayErrors, type GatewayError } from '../errors/gateway-error';

/** Pieces of an Anthropic Messages request that read the same whichever OpenAI wire they are translated to. */

type Json = Record<string, unknown>;
type Refuse = (feature: string) => GatewayError;

/** The request fields the translations map, or that are harmless to leave behind. */
export const MESSAGES_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'metadata',
  'thinking',
  'output_config',
  'output_format',
]);

/** Refuses a field outside {@link MESSAGES_FIELDS} by name, and a request without messages (a 400); its messages. */
export function checkMessagesBody(body: Json, refuse: Refuse): Json[] {
  for (const [field, value] of Object.entries(body)) {
    if (!MESSAGES_FIELDS.has(field) && value !== null && value !== undefined) throw refuse(`"${field}"`);
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw GatewayErrors.invalidBody('"messages" must be a non-empty array.', 'messages');
  return body.messages as Json[];
}

/** A message's (or a tool result's) content as blocks: a string is one text block. */
export const contentBlocks = (holder: Json): Json[] =>
  typeof holder.content === 'string' ? [{ type: 'text', text: holder.content }] : ((holder.content as Json[] | undefined) ?? []);

/** `metadata.user_id` when it is a string: the OpenAI wires' `user`. */
export function metadataUserId(body: Json): string | undefined {
  const userId = (body.metadata as Json | undefined)?.user_id;
  return typeof userId === 'string' ? userId : undefined;
}

/**
 * `tool_choice` as the OpenAI wires' `tool_choice` (and `parallel_tool_calls: false` when parallel tool use is
 * disabled), fields to add to the request; `named` shapes the choice of one tool, which the two wires write apart.
 */
export function toolChoiceOf(choice: unknown, named: (name: string) => Json, refuse: Refuse): Json {
  const c = choice as Json | undefined;
  if (!c) return {};
  let toolChoice: unknown;
  if (c.type === 'auto') toolChoice = 'auto';
  else if (c.type === 'any') toolChoice = 'required';
  else if (c.type === 'none') toolChoice = 'none';
  else if (c.type === 'tool' && typeof c.name === 'string') toolChoice = named(c.name);
  else throw refuse('this "tool_choice"');
  return { tool_choice: toolChoice, ...(c.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {}) };
}

/** Refuses Anthropic's server tools (web search, bash, text editor, computer use), which carry a versioned `type`. */
export function checkClientTool(definition: Json, refuse: Refuse): void {
  if (definition.type !== undefined && definition.type !== 'custom') throw refuse(`the "${String(definition.type)}" tool`);
}

/** Extended-thinking budget → reasoning effort. */
export function effortFor(budget: number): 'low' | 'medium' | 'high' {
  return budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

/**
 * `output_config.effort` (how much the model spends on an answer, thinking included) → a reasoning effort. OpenAI's
 * efforts end at high for most reasoning models, so xhigh and max ask for high.
 */
const OUTPUT_EFFORTS: Readonly<Record<string, 'low' | 'medium' | 'high'>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

export function outputEffort(body: Json, refuse: Refuse): 'low' | 'medium' | 'high' | undefined {
  const effort = (body.output_config as Json | null | undefined)?.effort;
  if (effort === undefined || effort === null) return undefined;
  if (typeof effort !== 'string' || !Object.hasOwn(OUTPUT_EFFORTS, effort))
    throw refuse(`"output_config.effort" ${JSON.stringify(effort)}`);
  return OUTPUT_EFFORTS[effort];
}

/**
 * Anthropic's structured outputs (`output_config.format`, or the beta's `output_format`) → `response_format`: a JSON
 * schema, strict, since Anthropic constrains the answer to it. OpenAI's strict mode wants every property required and
 * `additionalProperties: false`; a schema without them gets the provider's own 400.
 */
export function outputFormat(body: Json, refuse: Refuse): Json | undefined {
  const config = (body.output_config ?? undefined) as Json | undefined;
  for (const key of Object.keys(config ?? {})) if (key !== 'format' && key !== 'effort') throw refuse(`"output_config.${key}"`);
  const format = (config?.format ?? body.output_format ?? undefined) as Json | undefined;
  if (!format) return undefined;
  if (format.type !== 'json_schema') throw refuse(`an output format of type "${String(format.type)}"`);
  return { type: 'json_schema', json_schema: { name: 'response', schema: format.schema ?? { type: 'object' }, strict: true } };
}

/** `system` as one text: a string, or text blocks joined by blank lines; any other block is refused by name. */
export function systemText(system: unknown, refuse: Refuse): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return (system as Json[])
    .map((block) => {
      if (block.type !== 'text') throw refuse(`a "${String(block.type)}" system block`);
      return String(block.text ?? '');
    })
    .join('\n\n');
}

/** An image block's source as an image URL: a data URL for base64, the URL itself for a URL source. */
export function imageUrl(source: Json | undefined, refuse: Refuse): string {
  if (source?.type === 'base64') return `data:${String(source.media_type)};base64,${String(source.data)}`;
  if (source?.type === 'url' && typeof source.url === 'string') return source.url;
  throw refuse('this image source');
}

const blocksOf = (message: unknown): Json[] => {
  const content = (message as Json | undefined)?.content;
  return Array.isArray(content) ? (content as Json[]) : [];
};

/**
 * Whether Anthropic messages continue a tool loop (they end with tool results) whose last assistant message called
 * tools without its thinking first. Claude keeps one thinking configuration per assistant turn and a tool loop is one
 * turn: with thinking on, it refuses such a request, so thinking must stay off for it.
 */
export function continuesUnsignedToolLoop(messages: unknown[]): boolean {
  const last = messages.at(-1) as Json | undefined;
  if (last?.role !== 'user' || !blocksOf(last).some((b) => b.type === 'tool_result')) return false;
  const assistant = messages.at(-2) as Json | undefined;
  const blocks = blocksOf(assistant);
  if (assistant?.role !== 'assistant' || !blocks.some((b) => b.type === 'tool_use')) return false;
  return blocks[0]?.type !== 'thinking' && blocks[0]?.type !== 'redacted_thinking';
}
