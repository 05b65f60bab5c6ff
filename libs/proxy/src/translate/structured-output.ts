import type { NormalizedUsage } from '@allot/billing';
import type { GatewayError } from '../errors/gateway-error';
import { GatewayErrors } from '../errors/gateway-error';
import { readChatEvent } from '../relay/chat-wire';
import type { StreamProtocol } from '../relay/stream-protocols';
import { THINKING_BUDGETS } from './chat-to-messages';

/**
 * Chat Completions `response_format` on Anthropic models, as a forced tool: the schema becomes the input schema of one
 * tool, `tool_choice` forces that tool (one call), and the call's input comes back to the client as the message's
 * JSON text with finish reason `stop`. Anthropic's tool inputs are always JSON objects matching the input schema, which
 * is what `response_format` promises.
 *
 * Why not Anthropic's native `output_config.format`: Anthropic documents it only for its newest models (Claude 4.5
 * and later); older models, and Claude on some clouds, refuse it, and the gateway cannot tell from a model's name
 * which of them it is talking to. The forced tool works on every Claude model that has tools. `json_object` uses the
 * same forced tool with a permissive object schema rather than an instruction and a `{` prefill: the prefill is
 * refused by the newest models and by extended thinking, and an instruction alone guarantees nothing.
 *
 * The forced tool excludes client tools (they could never be called) and extended thinking (Anthropic refuses a forced
 * `tool_choice` with thinking): both combinations are refused with a 400 naming them.
 */

type Json = Record<string, unknown>;

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the Anthropic Messages API, which serves this model.`);

/** The forced tool's name when the schema's own name is not a valid Anthropic tool name (and for `json_object`). */
export const JSON_TOOL = 'json_response';
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The chat request with `response_format` replaced by a forced tool, and that tool's name (undefined when the request
 * asks for no structured output; `response_format: text` is simply removed).
 */
export function structuredOutputAsTool(body: Json): { body: Json; tool: string | undefined } {
  const format = body.response_format as Json | null | undefined;
  if (format === undefined || format === null) return { body, tool: undefined };
  const { response_format: _format, ...rest } = body;
  if (format.type === 'text') return { body: rest, tool: undefined };
  if (format.type !== 'json_schema' && format.type !== 'json_object') throw untranslatable(`response_format "${String(format.type)}"`);

  if (Array.isArray(body.tools) && body.tools.length > 0) {
    throw untranslatable(
      '"response_format" together with "tools" (on Anthropic, structured output is a forced tool, so the other tools could never be called)',
    );
  }
  const effort = body.reasoning_effort;
  if (typeof effort === 'string' && THINKING_BUDGETS[effort]) {
    throw untranslatable(
      '"response_format" together with "reasoning_effort" (on Anthropic, structured output is a forced tool, which extended thinking does not allow)',
    );
  }

  let tool: Json;
  if (format.type === 'json_object') {
    tool = { name: JSON_TOOL, description: 'Give your answer as a JSON object.', parameters: { type: 'object' } };
  } else {
    const spec = (format.json_schema ?? {}) as Json;
    const schema = (spec.schema ?? { type: 'object' }) as Json;
    // Anthropic tool inputs are objects; OpenAI's structured outputs require an object root too.
    if (schema.type !== 'object') throw untranslatable('a response_format schema whose root is not an object');
    const name = typeof spec.name === 'string' && TOOL_NAME.test(spec.name) ? spec.name : JSON_TOOL;
    const purpose = typeof spec.description === 'string' && spec.description ? ` ${spec.description}` : '';
    tool = { name, description: `Give your answer as JSON matching this schema.${purpose}`, parameters: schema };
  }
  const name = String(tool.name);
  return {
    body: {
      ...rest,
      tools: [{ type: 'function', function: tool }],
      tool_choice: { type: 'function', function: { name } },
      parallel_tool_calls: false, // one call: one JSON answer
    },
    tool: name,
  };
}

/** The forced tool of each call that asked for structured output, from its request to its answer. */
const forcedTools = new WeakMap<object, string>();

/** {@link structuredOutputAsTool} for one call, remembered for {@link answerAsAsked} and {@link streamAsAsked}. */
export function withStructuredOutput(body: Json, call: object): Json {
  const structured = structuredOutputAsTool(body);
  if (structured.tool) forcedTools.set(call, structured.tool);
  else forcedTools.delete(call);
  return structured.body;
}

/** The call's answer as its client asked for it (unchanged without structured output). */
export function answerAsAsked(chat: Json, call: object): Json {
  const tool = forcedTools.get(call);
  return tool ? structuredAnswer(chat, tool) : chat;
}

/** The call's chat stream as its client asked for it (unchanged without structured output). */
export function streamAsAsked(stream: StreamProtocol, call: object): StreamProtocol {
  return forcedTools.has(call) ? new StructuredOutputStream(stream) : stream;
}

/** A `chat.completion` answered through the forced tool, as the client asked for it: the JSON as content, `stop`. */
export function structuredAnswer(chat: Json, tool: string): Json {
  for (const choice of (chat.choices as Json[] | undefined) ?? []) {
    const message = (choice.message ?? {}) as Json;
    const calls = (message.tool_calls as Json[] | undefined) ?? [];
    const call = calls.find((c) => (c.function as Json | undefined)?.name === tool);
    // Only the tool's input is the answer: any text beside it would not be JSON.
    message.content = call ? String((call.function as Json).arguments ?? '') : '';
    delete message.tool_calls;
    if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
  }
  return chat;
}

/**
 * The chat stream of an answer through the forced tool, as the client asked for it: the tool call's argument deltas
 * become content deltas, the chunk that opens the call and any text deltas are dropped, and finish reason
 * `tool_calls` becomes `stop`. Everything else (role, usage, errors, `[DONE]`) passes unchanged.
 */
export class StructuredOutputStream implements StreamProtocol {
  constructor(private readonly inner: StreamProtocol) {}

  get usage(): NormalizedUsage | undefined {
    return this.inner.usage;
  }

  get complete(): boolean {
    return this.inner.complete;
  }

  get upstreamFailure(): { code: string; message: string } | undefined {
    return this.inner.upstreamFailure;
  }

  forward(event: string): string | undefined {
    return this.rewrite(this.inner.forward(event));
  }

  upstreamEnded(): string | undefined {
    return this.rewrite(this.inner.upstreamEnded?.());
  }

  failure(error: GatewayError, message?: string): string {
    return this.inner.failure(error, message);
  }

  private rewrite(text: string | undefined): string | undefined {
    if (!text) return text;
    let out = '';
    for (const event of text.split('\n\n')) {
      if (!event) continue;
      const read = readChatEvent(event);
      if (read?.kind !== 'chunk') {
        out += `${event}\n\n`;
        continue;
      }
      const chunk = read.chunk;
      const choices = (chunk.choices as Json[] | undefined) ?? [];
      let keep = choices.length === 0; // the usage chunk
      for (const choice of choices) {
        const delta = (choice.delta ?? {}) as Json;
        const calls = delta.tool_calls as Json[] | undefined;
        const args = calls?.map((c) => String((c.function as Json | undefined)?.arguments ?? '')).join('') ?? '';
        const { tool_calls: _calls, ...others } = delta;
        if (typeof others.content === 'string' && others.content) delete others.content; // text beside the JSON
        choice.delta = args ? { ...others, content: args } : others;
        if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
        if (args || choice.finish_reason || Object.keys(others).length > 0) keep = true;
      }
      if (keep) out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return out || undefined;
  }
}
