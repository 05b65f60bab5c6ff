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

/**
 * Anthropic Messages request → OpenAI Responses request, as a pure function: Claude Code and the Anthropic SDKs on
 * models whose provider has the Responses API, so OpenAI's reasoning survives tool-use turns. The Responses API
 * returns reasoning as `reasoning` items whose `encrypted_content` a stateless client (`store: false`) passes back;
 * the Messages wire has one opaque field its clients replay verbatim, a `thinking` block's `signature`. So an OpenAI
 * reasoning item travels to the client as a thinking block signed with {@link encodeOpenAiReasoning}, and comes back
 * here as the same reasoning item, its `encrypted_content` byte-identical. Mapped faithfully where a counterpart
 * exists; refused with a 400 naming the feature where none does.
 */

type Json = Record<string, unknown>;

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the OpenAI Responses API, which serves this model.`);

/** The prefix of a thinking block signature that carries an OpenAI reasoning item (a version, so it can change). */
export const OPENAI_REASONING_PREFIX = 'allot.openai.v1.';

/** An OpenAI reasoning item as a thinking block carries it: what a stateless request needs to replay it. */
interface OpenAiReasoning {
  id?: string;
  encrypted_content?: string;
  summary: Json[];
}

/**
 * The `signature` of a thinking block carrying this reasoning item: the prefix + base64url(JSON). Encoded, not
 * encrypted: `encrypted_content` is OpenAI's own ciphertext, which OpenAI refuses if altered.
 */
export function encodeOpenAiReasoning(item: Json): string {
  const carried: OpenAiReasoning = {
    ...(typeof item.id === 'string' ? { id: item.id } : {}),
    ...(typeof item.encrypted_content === 'string' ? { encrypted_content: item.encrypted_content } : {}),
    summary: Array.isArray(item.summary) ? (item.summary as Json[]) : [],
  };
  return OPENAI_REASONING_PREFIX + Buffer.from(JSON.stringify(carried), 'utf8').toString('base64url');
}

/**
 * The reasoning item a thinking block's signature carries; undefined when the signature is not the gateway's OpenAI
 * encoding (Anthropic's own, or another vendor's). A signature with the prefix that does not decode was altered: a
 * 400, rather than a turn that silently loses its reasoning.
 */
export function decodeOpenAiReasoning(signature: unknown): OpenAiReasoning | undefined {
  if (typeof signature !== 'string' || !signature.startsWith(OPENAI_REASONING_PREFIX)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(signature.slice(OPENAI_REASONING_PREFIX.length), 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as Json).summary)) {
      const v = value as Json;
      if (
        (v.encrypted_content === undefined || typeof v.encrypted_content === 'string') &&
        (v.id === undefined || typeof v.id === 'string')
      )
        return value as OpenAiReasoning;
    }
  } catch {
    // SyntaxError from JSON.parse: not decodable, so altered; refused below.
  }
  throw GatewayErrors.invalidBody('The signature of a thinking block in "messages" was altered: replay it as it was received.', 'messages');
}

/** What was left out on the way (the `x-allot-adjusted-params` header): thinking another vendor signed. */
export const DROPPED_THINKING = 'messages.thinking';

/**
 * The Responses request for a Messages request. Always stateless (`store: false`): Claude Code sends the whole
 * conversation every turn. With thinking on, the reasoning comes back encrypted (`include`) with a summary, so it
 * can be replayed; `adjusted` receives {@link DROPPED_THINKING} when thinking blocks OpenAI cannot verify were left out.
 */
export function messagesToResponses(body: Json, upstreamModel: string, adjusted?: string[]): Json {
  const raws = checkMessagesBody(body, untranslatable);
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) throw untranslatable('"stop_sequences"');

  const input: Json[] = [];
  let dropped = false;
  for (const raw of raws) {
    const content = contentBlocks(raw);
    if (raw.role === 'user') input.push(...userItems(content));
    else if (raw.role === 'assistant') {
      const turn = assistantItems(content);
      input.push(...turn.items);
      dropped ||= turn.dropped;
    } else throw untranslatable(`a message with role "${String(raw.role)}"`);
  }
  if (dropped) adjusted?.push(DROPPED_THINKING);

  const out: Json = { model: upstreamModel };
  const instructions = systemText(body.system, untranslatable);
  if (instructions) out.instructions = instructions;
  out.input = input;
  if (typeof body.max_tokens === 'number') out.max_output_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  const userId = metadataUserId(body);
  if (userId !== undefined) out.user = userId;
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = (body.tools as Json[]).map(tool);
  Object.assign(
    out,
    toolChoiceOf(body.tool_choice, (name) => ({ type: 'function', name }), untranslatable),
  );
  const format = outputFormat(body, untranslatable)?.json_schema as Json | undefined;
  if (format) out.text = { format: { type: 'json_schema', ...format } };
  const thinking = body.thinking as Json | undefined;
  const shown = thinking?.type === 'enabled' || thinking?.type === 'adaptive';
  const effort =
    outputEffort(body, untranslatable) ??
    (shown && typeof thinking.budget_tokens === 'number' ? effortFor(thinking.budget_tokens) : undefined);
  // Thinking asked for is thinking shown (a summary); an effort alone names a reasoning model, whose reasoning is
  // carried across turns all the same.
  if (shown || effort) {
    out.reasoning = { ...(effort ? { effort } : {}), ...(shown ? { summary: 'auto' } : {}) };
    out.include = ['reasoning.encrypted_content'];
  }
  out.store = false;
  if (body.stream === true) out.stream = true;
  return out;
}

/** A user turn: its tool results first, as `function_call_output` items (they answer the calls before), then the rest. */
function userItems(blocks: Json[]): Json[] {
  const out: Json[] = [];
  const parts: Json[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') out.push(toolResult(block));
    else parts.push(...inputParts(block, 'user message'));
  }
  if (parts.length > 0) out.push({ type: 'message', role: 'user', content: parts });
  return out;
}

/** Text, image and document blocks as Responses input parts. */
function inputParts(block: Json, where: string): Json[] {
  if (block.type === 'text') return [{ type: 'input_text', text: String(block.text ?? '') }];
  if (block.type === 'image')
    return [{ type: 'input_image', image_url: imageUrl(block.source as Json | undefined, untranslatable), detail: 'auto' }];
  if (block.type === 'document') {
    const source = (block.source ?? {}) as Json;
    // The Responses API fetches a file by URL itself (the gateway never does).
    if (source.type === 'url' && typeof source.url === 'string' && (block.citations as Json | undefined)?.enabled !== true) {
      const context = typeof block.context === 'string' && block.context ? [{ type: 'input_text', text: block.context }] : [];
      return [...context, { type: 'input_file', file_url: source.url }];
    }
    return anthropicDocumentToChat(block, untranslatable).map(chatPartToInput);
  }
  throw untranslatable(`a "${String(block.type)}" block in a ${where}`);
}

/** The chat parts the document helper produces (text, image_url, file) as Responses input parts. */
function chatPartToInput(part: Json): Json {
  if (part.type === 'image_url') return { type: 'input_image', image_url: (part.image_url as Json).url, detail: 'auto' };
  if (part.type === 'file') return { type: 'input_file', ...(part.file as Json) };
  return { type: 'input_text', text: String(part.text ?? '') };
}

function toolResult(block: Json): Json {
  const call_id = String(block.tool_use_id ?? '');
  const parts = contentBlocks(block).flatMap((b) => inputParts(b, 'tool_result'));
  // Responses has no error flag on a tool output: the model reads it from the text, as on the chat path.
  const error = block.is_error === true ? 'Error: ' : '';
  if (parts.every((p) => p.type === 'input_text')) {
    return { type: 'function_call_output', call_id, output: error + parts.map((p) => String(p.text)).join('\n\n') };
  }
  return { type: 'function_call_output', call_id, output: error ? [{ type: 'input_text', text: 'Error:' }, ...parts] : parts };
}

/**
 * An assistant turn as output items, in the order of its blocks: thinking blocks the gateway signed → the reasoning
 * items they carry (so they precede the calls of their turn, as OpenAI produced them), text → an assistant message,
 * `tool_use` → `function_call`. Thinking signed by anyone else (Claude, in a session moved from Claude) and
 * `redacted_thinking` cannot be verified by OpenAI: left out, and reported.
 */
function assistantItems(blocks: Json[]): { items: Json[]; dropped: boolean } {
  const items: Json[] = [];
  let dropped = false;
  let text: Json[] | undefined;
  for (const block of blocks) {
    if (block.type !== 'text') text = undefined;
    if (block.type === 'text') {
      if (!text) items.push({ type: 'message', role: 'assistant', content: (text = []) });
      text.push({ type: 'output_text', text: String(block.text ?? '') });
    } else if (block.type === 'tool_use') {
      items.push({
        type: 'function_call',
        call_id: String(block.id),
        name: String(block.name),
        arguments: JSON.stringify(block.input ?? {}),
      });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      const reasoning = block.type === 'thinking' ? decodeOpenAiReasoning(block.signature) : undefined;
      if (!reasoning) dropped = true;
      // Without encrypted content (a turn without thinking on) there is nothing a stateless request can replay. The
      // item goes back as stateless clients such as Codex replay it to OpenAI: its id, summary and encrypted content.
      else if (reasoning.encrypted_content !== undefined)
        items.push({
          type: 'reasoning',
          ...(reasoning.id !== undefined ? { id: reasoning.id } : {}),
          summary: reasoning.summary,
          encrypted_content: reasoning.encrypted_content,
        });
    } else throw untranslatable(`a "${String(block.type)}" block in an assistant turn`);
  }
  return { items, dropped };
}

function tool(definition: Json): Json {
  checkClientTool(definition, untranslatable);
  return {
    type: 'function',
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    parameters: definition.input_schema ?? { type: 'object', properties: {} },
    strict: false,
  };
}
