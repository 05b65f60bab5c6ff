import { GatewayErrors } from '../errors/gateway-error';
import { responsesFileToChat } from './documents';
import { carryReasoning, decodeReasoning, wantReasoningSummary, type CarriedReasoning, type ReasoningVendor } from './reasoning-carrier';

/**
 * Responses API request → Chat Completions request, as a pure function: for OpenAI-compatible servers without a
 * Responses API. The conversation is stateless on this path: `previous_response_id` and stored responses need the
 * provider's own Responses API and are refused with a 400 naming them.
 */

type Json = Record<string, unknown>;

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the Chat Completions API, which serves this model.`);

/** Fields mapped below, or hints with no effect on the answer. */
const HANDLED = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'reasoning',
  'text',
  'user',
  'metadata',
  'store',
  'include',
  'prompt_cache_key',
  'client_metadata',
  'safety_identifier',
  'truncation',
  'service_tier',
]);

/** Hosted tools the gateway leaves out when the model's provider cannot run them (reported, not refused; see below). */
const WEB_SEARCH = new Set(['web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11']);

/** What a chat tool call stands for in the Responses API: a function (maybe in a namespace), a custom tool, tool search. */
export interface ResponsesToolTarget {
  kind: 'function' | 'custom' | 'tool_search';
  name: string;
  namespace?: string;
}

/**
 * The chat function name of a Responses tool: namespaced tools are flattened to `<namespace>__<name>`, a name every
 * vendor accepts (Anthropic allows `[a-zA-Z0-9_-]` only).
 */
const chatToolName = (name: string, namespace?: unknown): string =>
  typeof namespace === 'string' && namespace ? `${namespace}__${name}` : name;

/**
 * The request's tools as the chat wire sees them (custom tools, namespaces, tool search made function tools) and the
 * way back, so answers name what the client declared: a custom tool's call is a `custom_tool_call` with its text
 * `input`, a namespaced function's call has its own name and `namespace`, a tool search is a `tool_search_call`.
 */
export class ResponsesTools {
  readonly chatTools: Json[] = [];
  /** Hosted tools left out (the `x-allot-adjusted-params` header names them). */
  readonly omitted: string[] = [];
  private readonly targets = new Map<string, ResponsesToolTarget>();

  /** Reads `tools` and the tools that `tool_search_output` items of `input` loaded. */
  static of(body: Json): ResponsesTools {
    const tools = new ResponsesTools();
    for (const definition of (Array.isArray(body.tools) ? body.tools : []) as Json[]) tools.add(definition, undefined, false);
    for (const item of (Array.isArray(body.input) ? body.input : []) as Json[]) {
      if (item?.type === 'tool_search_output' && Array.isArray(item.tools))
        for (const definition of item.tools as Json[]) tools.add(definition, undefined, true);
    }
    return tools;
  }

  /** What the chat tool call named `chatName` stands for; a name the request did not declare is a plain function. */
  target(chatName: string): ResponsesToolTarget {
    return this.targets.get(chatName) ?? { kind: 'function', name: chatName };
  }

  private add(definition: Json, namespace: { name: string; description: string } | undefined, loaded: boolean): void {
    const type = definition.type;
    // Tools deferred behind tool search are shown to the model once a tool search loaded them, as on OpenAI.
    if (definition.defer_loading === true && !loaded) return;
    if (type === 'function' || type === 'custom') {
      const name = String(definition.name ?? '');
      const chatName = chatToolName(name, namespace?.name);
      if (this.targets.has(chatName)) {
        if (loaded) return; // loaded again by a later tool search
        throw GatewayErrors.invalidBody(`Two tools would be called "${chatName}" by this model: rename one.`, 'tools');
      }
      this.targets.set(chatName, { kind: type, name, ...(namespace ? { namespace: namespace.name } : {}) });
      const intro = namespace?.description ? `${namespace.name}: ${namespace.description}\n\n` : '';
      this.chatTools.push(type === 'function' ? functionTool(definition, chatName, intro) : customTool(definition, chatName, intro));
    } else if (type === 'namespace') {
      const name = String(definition.name ?? '');
      for (const member of (Array.isArray(definition.tools) ? definition.tools : []) as Json[])
        this.add(member, { name, description: typeof definition.description === 'string' ? definition.description : '' }, loaded);
    } else if (type === 'tool_search' && !namespace) {
      if (definition.execution === 'server') throw untranslatable('a tool of type "tool_search" run by the server');
      if (this.targets.has('tool_search'))
        throw GatewayErrors.invalidBody('Two tools would be called "tool_search" by this model.', 'tools');
      this.targets.set('tool_search', { kind: 'tool_search', name: 'tool_search' });
      this.chatTools.push({
        type: 'function',
        function: {
          name: 'tool_search',
          description:
            typeof definition.description === 'string' && definition.description
              ? definition.description
              : 'Searches for more tools; the tools it finds become available to call.',
          parameters: definition.parameters ?? { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
        },
      });
    } else if (typeof type === 'string' && WEB_SEARCH.has(type) && !namespace) {
      // A hosted tool OpenAI runs: this model's provider cannot. Codex sends it on every request, so refusing it would
      // make Codex unusable on this model; it is left out, and the response header says so.
      if (!this.omitted.includes(`tools.${type}`)) this.omitted.push(`tools.${type}`);
    } else throw untranslatable(`a tool of type "${String(type)}"`);
  }
}

/** Options of {@link responsesToChat}. */
interface ResponsesToChatOptions {
  /**
   * The vendor whose reasoning items (the gateway's `encrypted_content`, see reasoning-carrier.ts) are turned back into
   * carried reasoning on the next assistant message; without one, every reasoning item is skipped as opaque.
   */
  carry?: ReasoningVendor;
  /** The request's tools, when already read (they are needed again for the answer). */
  tools?: ResponsesTools;
}

export function responsesToChat(body: Json, upstreamModel: string, options: ResponsesToChatOptions = {}): Json {
  for (const [field, value] of Object.entries(body)) {
    if (!HANDLED.has(field) && value !== null && value !== undefined) throw untranslatable(`"${field}"`);
  }
  if (body.store === true) throw untranslatable('"store": true (stored responses)');
  const tools = options.tools ?? ResponsesTools.of(body);

  const messages: Json[] = [];
  if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions });
  const items: Json[] =
    typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : ((body.input as Json[] | undefined) ?? []);
  /** Reasoning read from reasoning items, for the next assistant message. */
  let pending: CarriedReasoning | undefined;
  const assistant = (message: Json): Json => {
    carryReasoning(message, pending);
    pending = undefined;
    return message;
  };
  const pushCall = (callId: unknown, name: string, args: string) => {
    const call = { id: String(callId), type: 'function', function: { name, arguments: args } };
    const last = messages.at(-1);
    // Parallel calls of one turn are one assistant message with several tool calls.
    if (last?.role === 'assistant' && Array.isArray(last.tool_calls)) {
      (last.tool_calls as Json[]).push(call);
      assistant(last);
    } else messages.push(assistant({ role: 'assistant', content: null, tool_calls: [call] }));
  };
  const pushResult = (callId: unknown, output: unknown) =>
    messages.push({ role: 'tool', tool_call_id: String(callId), content: toolOutput(output) });
  for (const item of items) {
    const type = item.type ?? 'message';
    if (type === 'message') {
      const chat = message(item);
      messages.push(chat.role === 'assistant' ? assistant(chat) : chat);
    } else if (type === 'function_call')
      pushCall(item.call_id, chatToolName(String(item.name), item.namespace), String(item.arguments ?? '{}'));
    else if (type === 'custom_tool_call')
      pushCall(item.call_id, chatToolName(String(item.name), item.namespace), JSON.stringify({ input: String(item.input ?? '') }));
    else if (type === 'tool_search_call') pushCall(item.call_id ?? item.id, 'tool_search', JSON.stringify(item.arguments ?? {}));
    else if (type === 'function_call_output' || type === 'custom_tool_call_output') pushResult(item.call_id, item.output);
    else if (type === 'tool_search_output') {
      const names = ((Array.isArray(item.tools) ? item.tools : []) as Json[]).flatMap((t) =>
        t.type === 'namespace' && Array.isArray(t.tools)
          ? (t.tools as Json[]).map((m) => chatToolName(String(m.name), t.name))
          : [String(t.name ?? t.type)],
      );
      pushResult(item.call_id ?? item.id, names.length ? `Tools now available: ${names.join(', ')}.` : 'No tools found.');
    } else if (type === 'reasoning') {
      // Reasoning items are opaque to any other server (encrypted for the vendor that made them) and are skipped,
      // except the gateway's own, which carry this vendor's signed reasoning to the next assistant turn.
      const carried = options.carry ? decodeReasoning(item.encrypted_content, options.carry) : undefined;
      if (carried && options.carry) {
        const summary = ((Array.isArray(item.summary) ? item.summary : []) as Json[]).map((s) => String(s.text ?? ''));
        const next = { vendor: options.carry, items: carried, summary };
        pending = pending ? { ...next, items: [...pending.items, ...carried], summary: [...pending.summary, ...summary] } : next;
      }
    } else throw untranslatable(`an input item of type "${String(type)}"`);
  }

  const out: Json = { model: upstreamModel, messages };
  if (typeof body.max_output_tokens === 'number') out.max_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (typeof body.user === 'string') out.user = body.user;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  if (tools.chatTools.length > 0) out.tools = tools.chatTools;
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const choice = toolChoice(body.tool_choice);
    // Without tools (only hosted ones were sent, and left out) there is nothing to choose from.
    if (tools.chatTools.length > 0) out.tool_choice = choice;
    else if (choice === 'required')
      throw GatewayErrors.invalidBody('"tool_choice": "required" needs a tool this model can call.', 'tool_choice');
  }
  if (body.parallel_tool_calls === false) out.parallel_tool_calls = false;
  const effort = (body.reasoning as Json | undefined)?.effort;
  if (typeof effort === 'string') out.reasoning_effort = effort;
  const summary = (body.reasoning as Json | undefined)?.summary;
  if (options.carry && typeof summary === 'string' && summary !== 'none') wantReasoningSummary(out);
  const format = ((body.text as Json | undefined)?.format ?? undefined) as Json | undefined;
  if (format && format.type === 'json_schema') {
    out.response_format = {
      type: 'json_schema',
      json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined ? { strict: format.strict } : {}) },
    };
  } else if (format && format.type === 'json_object') out.response_format = { type: 'json_object' };
  else if (format && format.type !== 'text') throw untranslatable(`text.format "${String(format.type)}"`);
  return out;
}

/** A tool output as chat tool content: text as it is, content parts' text joined, anything else as JSON. */
function toolOutput(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output) && output.every((p) => (p as Json)?.type === 'input_text' || (p as Json)?.type === 'output_text'))
    return (output as Json[]).map((p) => String(p.text ?? '')).join('');
  return JSON.stringify(output);
}

function message(item: Json): Json {
  const role = item.role === 'developer' ? 'system' : String(item.role ?? 'user');
  if (!['system', 'user', 'assistant'].includes(role)) throw untranslatable(`a message with role "${role}"`);
  if (typeof item.content === 'string') return { role, content: item.content };
  const parts = ((item.content as Json[] | undefined) ?? []).map((part) => {
    if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'input_image' && typeof part.image_url === 'string') return { type: 'image_url', image_url: { url: part.image_url } };
    if (part.type === 'input_file') return responsesFileToChat(part);
    throw untranslatable(`a "${String(part.type)}" content part`);
  });
  // Assistant and system turns take plain text; user turns keep parts (images, files).
  if (role !== 'user' || parts.every((p) => p.type === 'text')) return { role, content: parts.map((p) => p.text).join('') };
  return { role, content: parts };
}

function functionTool(definition: Json, chatName: string, intro: string): Json {
  const description = `${intro}${typeof definition.description === 'string' ? definition.description : ''}`;
  return {
    type: 'function',
    function: {
      name: chatName,
      ...(description ? { description } : {}),
      parameters: definition.parameters ?? { type: 'object', properties: {} },
      ...(definition.strict !== undefined && definition.strict !== null ? { strict: definition.strict } : {}),
    },
  };
}

/**
 * A custom (freeform) tool as a function taking its text in one string parameter, `input`; the input format (a
 * grammar, a regex) is told to the model in the description, as the chat wire cannot constrain the text.
 */
function customTool(definition: Json, chatName: string, intro: string): Json {
  const format = (definition.format ?? undefined) as Json | undefined;
  const grammar =
    format?.type === 'grammar'
      ? `\n\nThe input must be valid in this ${String(format.syntax ?? '')} grammar:\n${String(format.definition ?? '')}`
      : '';
  const own =
    typeof definition.description === 'string' && definition.description ? definition.description : `The ${String(definition.name)} tool.`;
  return {
    type: 'function',
    function: {
      name: chatName,
      description: `${intro}${own}\n\nPut the tool's whole input, as free-form text (not JSON), in the "input" parameter.${grammar}`,
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: `The raw input of ${String(definition.name)}.` } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

function toolChoice(choice: unknown): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const named = choice as Json;
  if ((named.type === 'function' || named.type === 'custom') && typeof named.name === 'string')
    return { type: 'function', function: { name: chatToolName(named.name, named.namespace) } };
  throw untranslatable('this "tool_choice"');
}
