import type { ProviderType } from '@allot/contracts';
import { GatewayErrors } from '../errors/gateway-error';
import {
  checkClientTool,
  checkMessagesBody,
  contentBlocks,
  effortFor,
  imageUrl,
  metadataUserId,
  outputEffort,
  outputFormat,
  systemText,
  toolChoiceOf,
} from './anthropic-request-parts';
import { anthropicDocumentToChat } from './documents';
import { carryReasoning, decodeReasoning, wantReasoningSummary, type CarriedReasoning, type ReasoningVendor } from './reasoning-carrier';

/**
 * Anthropic Messages request → Chat Completions request, as a pure function (so Claude Code and the Anthropic SDKs
 * can call OpenAI, Azure and OpenAI-compatible models). Mapped faithfully where a counterpart exists; refused with a
 * 400 naming the feature where none does.
 */

type Json = Record<string, unknown>;

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the OpenAI Chat Completions API, which serves this model.`);

/** Options of {@link messagesToOpenAiChat}. */
interface MessagesToChatOptions {
  /**
   * The vendor whose reasoning the gateway returned as `thinking` blocks signed with its own encoding (see
   * reasoning-carrier.ts): such blocks become carried reasoning on their assistant message, and `thinking` asks for
   * the vendor's thought summaries. Without one (OpenAI-wire models), every thinking block is dropped.
   */
  carry?: ReasoningVendor;
}

export function messagesToOpenAiChat(body: Json, upstreamModel: string, provider: ProviderType, options: MessagesToChatOptions = {}): Json {
  const raws = checkMessagesBody(body, untranslatable);

  const messages: Json[] = [];
  const system = systemText(body.system, untranslatable);
  if (system) messages.push({ role: 'system', content: system });
  for (const raw of raws) {
    const content = contentBlocks(raw);
    if (raw.role === 'user') messages.push(...userMessages(content));
    else if (raw.role === 'assistant') messages.push(assistantMessage(content, options.carry));
    else throw untranslatable(`a message with role "${String(raw.role)}"`);
  }

  const out: Json = { model: upstreamModel, messages };
  // OpenAI's reasoning models take only max_completion_tokens; self-hosted servers know max_tokens best.
  if (typeof body.max_tokens === 'number') out[provider === 'openai-compatible' ? 'max_tokens' : 'max_completion_tokens'] = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) out.stop = body.stop_sequences;
  const userId = metadataUserId(body);
  if (userId !== undefined) out.user = userId;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true }; // the answer's usage is translated into message_delta
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = (body.tools as Json[]).map(tool);
  Object.assign(
    out,
    toolChoiceOf(body.tool_choice, (name) => ({ type: 'function', function: { name } }), untranslatable),
  );
  const format = outputFormat(body, untranslatable);
  if (format) out.response_format = format;
  const thinking = body.thinking as Json | undefined;
  const budget = thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : undefined;
  const effort = outputEffort(body, untranslatable) ?? (budget !== undefined ? effortFor(budget) : undefined);
  if (effort) out.reasoning_effort = effort;
  // Thinking asked for on the Messages wire is thinking shown: the vendor's summaries come back as thinking blocks.
  // Adaptive thinking leaves how much to the model (no effort: the vendor's default, Gemini's dynamic thinking).
  if (options.carry && (budget !== undefined || thinking?.type === 'adaptive')) wantReasoningSummary(out);
  return out;
}

/** A user turn: its tool results first, as `tool` messages (they must follow the assistant's calls), then the rest. */
function userMessages(blocks: Json[]): Json[] {
  const out: Json[] = [];
  const parts: Json[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const text = typeof block.content === 'string' ? block.content : textOf(block.content as Json[] | undefined, 'tool_result');
      out.push({ role: 'tool', tool_call_id: String(block.tool_use_id ?? ''), content: block.is_error === true ? `Error: ${text}` : text });
    } else if (block.type === 'text') parts.push({ type: 'text', text: String(block.text ?? '') });
    else if (block.type === 'image')
      parts.push({ type: 'image_url', image_url: { url: imageUrl(block.source as Json | undefined, untranslatable) } });
    else if (block.type === 'document') parts.push(...anthropicDocumentToChat(block, untranslatable));
    else throw untranslatable(`a "${String(block.type)}" content block`);
  }
  if (parts.length > 0)
    out.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('\n\n') : parts });
  return out;
}

/** Where a thinking block's signature is read from, for the 400 an altered gateway signature gets. */
const SIGNATURE_FIELD = { what: 'The signature of a thinking block in "messages"', param: 'messages' };

function assistantMessage(blocks: Json[], carry: ReasoningVendor | undefined): Json {
  let text = '';
  const toolCalls: Json[] = [];
  let carried: CarriedReasoning | undefined;
  for (const block of blocks) {
    if (block.type === 'text') text += String(block.text ?? '');
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: String(block.id),
        type: 'function',
        function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      // The gateway's own encoding of this vendor's reasoning (thought signatures) goes back to it. Anything else is
      // another vendor's (Claude's, in a session moved from Claude): it cannot be replayed to this one, and models do
      // not need earlier turns' thinking.
      const items = carry && block.type === 'thinking' ? decodeReasoning(block.signature, carry, SIGNATURE_FIELD) : undefined;
      if (items && carry) {
        const summary = typeof block.thinking === 'string' && block.thinking ? [block.thinking] : [];
        carried = carried
          ? { vendor: carry, items: [...carried.items, ...items], summary: [...carried.summary, ...summary] }
          : { vendor: carry, items, summary };
      }
    } else throw untranslatable(`a "${String(block.type)}" block in an assistant turn`);
  }
  const message: Json = { role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
  return carryReasoning(message, carried);
}

function textOf(blocks: Json[] | undefined, where: string): string {
  return (blocks ?? [])
    .map((b) => {
      if (b.type !== 'text') throw untranslatable(`a "${String(b.type)}" block in a ${where}`);
      return String(b.text ?? '');
    })
    .join('\n\n');
}

function tool(definition: Json): Json {
  checkClientTool(definition, untranslatable);
  return {
    type: 'function',
    function: {
      name: definition.name,
      ...(definition.description ? { description: definition.description } : {}),
      parameters: definition.input_schema ?? { type: 'object', properties: {} },
    },
  };
}
