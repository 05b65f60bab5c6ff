import { GatewayErrors } from '../errors/gateway-error';
import { continuesUnsignedToolLoop } from './anthropic-request-parts';
import { chatFileToAnthropic, parseDataUrl } from './documents';
import { carriedReasoning } from './reasoning-carrier';

/**
 * Chat Completions request → Anthropic Messages request, as a pure function. What has a faithful counterpart is
 * mapped; what has none fails with a 400 naming the feature (never silently dropped). Parameters at their neutral
 * value (`n: 1`, penalties 0, `logprobs: false` …) are accepted and left out, since SDKs send them by default.
 */

type Json = Record<string, unknown>;
type AnthropicBlock = Json & { type: string };
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

/** reasoning_effort → extended thinking budget (tokens). */
export const THINKING_BUDGETS: Record<string, number> = { low: 1024, medium: 4096, high: 16384 };

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the Anthropic Messages API, which serves this model.`);

/** Fields that change nothing when at these values; any other value has no Anthropic counterpart. */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  n: (v) => v === 1,
  presence_penalty: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  logit_bias: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
  seed: () => true, // determinism is best effort everywhere; Anthropic has no seed
  service_tier: (v) => v === 'auto' || v === 'default',
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
};

/** Fields handled below, or harmless to leave behind. */
const HANDLED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'reasoning_effort',
  'metadata',
]);

/** What was changed on the way (the `x-allot-adjusted-params` header): thinking left off in a tool loop (see below). */
export const THINKING_LEFT_OFF = 'reasoning_effort';

export function chatToMessages(body: Json, upstreamModel: string, maxOutputTokens: number, adjusted?: string[]): Json {
  for (const [field, value] of Object.entries(body)) {
    if (HANDLED.has(field) || value === null || value === undefined) continue;
    const neutral = NEUTRAL[field];
    if (!neutral || !neutral(value)) throw untranslatable(`"${field}"`);
  }
  if (body.response_format !== undefined && (body.response_format as Json | null)?.type !== 'text')
    throw untranslatable('"response_format"');

  const system: AnthropicBlock[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: 'user' | 'assistant', blocks: AnthropicBlock[]) => {
    const last = messages.at(-1);
    // Anthropic wants user and assistant turns to alternate: consecutive turns of one role are merged.
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw GatewayErrors.invalidBody('"messages" must be a non-empty array.', 'messages');
  for (const raw of body.messages as Json[]) {
    const role = raw.role;
    if (role === 'system' || role === 'developer') system.push(...textBlocks(raw.content, 'system'));
    else if (role === 'user') push('user', userBlocks(raw.content));
    else if (role === 'assistant') push('assistant', assistantBlocks(raw));
    else if (role === 'tool') {
      push('user', [{ type: 'tool_result', tool_use_id: String(raw.tool_call_id ?? ''), content: toolResultContent(raw.content) }]);
    } else throw untranslatable(`a message with role "${String(role)}"`);
  }

  // Claude wants an assistant turn's thinking first: carried blocks of turns merged above move ahead of the rest.
  for (const m of messages)
    if (m.role === 'assistant') m.content = [...m.content.filter(isThinking), ...m.content.filter((b) => !isThinking(b))];

  const out: Json = {
    model: upstreamModel,
    max_tokens: maxOutputTokens,
    messages,
  };
  if (system.length > 0) out.system = system;
  if (typeof body.temperature === 'number') out.temperature = Math.min(1, body.temperature); // OpenAI allows up to 2
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (body.stop !== undefined && body.stop !== null) out.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (body.stream === true) out.stream = true;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = (body.tools as Json[]).map(tool);
  const choice = toolChoice(body.tool_choice, body.parallel_tool_calls);
  if (choice) out.tool_choice = choice;
  const called = historyToolNames(messages);
  if (!out.tools && called.length > 0) {
    // Anthropic refuses tool_use / tool_result blocks in a request without tools, which is what a summary of a
    // tool-using conversation sends (Codex's compaction: `tools: []`): the tools the history called are declared, and
    // none may be called.
    out.tools = called.map((name) => ({
      name,
      description: 'Called earlier in this conversation; not available now.',
      input_schema: { type: 'object' },
    }));
    out.tool_choice = { type: 'none' };
  }
  const effort = body.reasoning_effort;
  if (typeof effort === 'string' && THINKING_BUDGETS[effort] && continuesUnsignedToolLoop(messages)) {
    // The turn's tool calls came back without their signed thinking, which a chat client cannot carry: thinking stays
    // off until the loop ends (the next user question), rather than Claude refusing the call.
    adjusted?.push(THINKING_LEFT_OFF);
  } else if (typeof effort === 'string' && THINKING_BUDGETS[effort]) {
    const budget = THINKING_BUDGETS[effort];
    out.thinking = { type: 'enabled', budget_tokens: budget };
    // The budget is part of max_tokens; the answer keeps the room the client asked for.
    out.max_tokens = maxOutputTokens + budget;
    delete out.temperature; // extended thinking accepts only the default temperature
  } else if (effort !== undefined && effort !== null && effort !== 'none' && effort !== 'minimal') {
    throw untranslatable(`reasoning_effort "${String(effort)}"`);
  }
  return out;
}

function textBlocks(content: unknown, where: string): AnthropicBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  return (content as Json[]).map((part) => {
    if (part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    throw untranslatable(`a "${String(part.type)}" part in a ${where} message`);
  });
}

function userBlocks(content: unknown): AnthropicBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw GatewayErrors.invalidBody('A user message needs "content".', 'messages');
  return (content as Json[]).map((part) => {
    if (part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'image_url') return imageBlock(part.image_url);
    if (part.type === 'file') return chatFileToAnthropic(part.file as Json | undefined, untranslatable);
    throw untranslatable(`a "${String(part.type)}" content part`);
  });
}

/** `data:` URLs become base64 sources; http(s) URLs stay URLs (Anthropic fetches them, the gateway never does). */
function imageBlock(imageUrl: unknown): AnthropicBlock {
  const url = typeof imageUrl === 'string' ? imageUrl : String((imageUrl as Json | null)?.url ?? '');
  const data = parseDataUrl(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw GatewayErrors.invalidBody('An image_url must be an http(s) URL or a base64 data URL.', 'messages');
}

/** The names of the tools the conversation's assistant turns called, once each. */
function historyToolNames(messages: AnthropicMessage[]): string[] {
  const names = messages.flatMap((m) =>
    m.role === 'assistant' ? m.content.filter((b) => b.type === 'tool_use').map((b) => String(b.name)) : [],
  );
  return [...new Set(names)];
}

const isThinking = (block: AnthropicBlock) => block.type === 'thinking' || block.type === 'redacted_thinking';

/**
 * An assistant turn: the thinking blocks it carries (from a Responses reasoning item, see reasoning-carrier.ts) first
 * and exactly as Claude signed them, then text, then tool calls.
 */
function assistantBlocks(message: Json): AnthropicBlock[] {
  const carried = carriedReasoning(message);
  const thinking = carried?.vendor === 'anthropic' ? (carried.items as AnthropicBlock[]) : [];
  const blocks: AnthropicBlock[] = [...thinking, ...textBlocks(message.content, 'assistant')];
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = call.function as Json | undefined;
    let input: unknown;
    try {
      input = JSON.parse(String(fn?.arguments ?? '{}') || '{}');
    } catch {
      throw GatewayErrors.invalidBody(`The arguments of tool call ${String(call.id)} are not valid JSON.`, 'messages');
    }
    blocks.push({ type: 'tool_use', id: String(call.id), name: String(fn?.name ?? ''), input });
  }
  // An assistant turn that said nothing still needs a block.
  return blocks.length > 0 ? blocks : [{ type: 'text', text: '' }];
}

function toolResultContent(content: unknown): string | AnthropicBlock[] {
  if (typeof content === 'string') return content;
  return textBlocks(content, 'tool');
}

function tool(definition: Json): Json {
  if (definition.type !== 'function') throw untranslatable(`a tool of type "${String(definition.type)}"`);
  const fn = (definition.function ?? {}) as Json;
  return {
    name: fn.name,
    ...(fn.description ? { description: fn.description } : {}),
    input_schema: fn.parameters ?? { type: 'object', properties: {} },
  };
}

function toolChoice(choice: unknown, parallel: unknown): Json | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallel === false ? { type: 'auto', ...noParallel } : undefined;
  if (choice === 'auto') return { type: 'auto', ...noParallel };
  if (choice === 'required') return { type: 'any', ...noParallel };
  if (choice === 'none') return { type: 'none' };
  const named = (choice as Json).function as Json | undefined;
  if ((choice as Json).type === 'function' && typeof named?.name === 'string') return { type: 'tool', name: named.name, ...noParallel };
  throw untranslatable('this "tool_choice"');
}
