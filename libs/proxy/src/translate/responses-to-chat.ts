import { GatewayErrors } from '../errors/gateway-error';

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

export function responsesToChat(body: Json, upstreamModel: string): Json {
  for (const [field, value] of Object.entries(body)) {
    if (!HANDLED.has(field) && value !== null && value !== undefined) throw untranslatable(`"${field}"`);
  }
  if (body.store === true) throw untranslatable('"store": true (stored responses)');

  const messages: Json[] = [];
  if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions });
  const items: Json[] =
    typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : ((body.input as Json[] | undefined) ?? []);
  for (const item of items) {
    const type = item.type ?? 'message';
    if (type === 'message') messages.push(message(item));
    else if (type === 'function_call') {
      const call = {
        id: String(item.call_id),
        type: 'function',
        function: { name: String(item.name), arguments: String(item.arguments ?? '{}') },
      };
      const last = messages.at(-1);
      // Parallel calls of one turn are one assistant message with several tool calls.
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls)) (last.tool_calls as Json[]).push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        tool_call_id: String(item.call_id),
        content: typeof item.output === 'string' ? item.output : JSON.stringify(item.output),
      });
    } else if (type === 'reasoning') {
      // Reasoning items are opaque to any other server (encrypted for the vendor that made them): not replayable.
      continue;
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
  if (Array.isArray(body.tools) && body.tools.length > 0) out.tools = (body.tools as Json[]).map(tool);
  if (body.tool_choice !== undefined && body.tool_choice !== null) out.tool_choice = toolChoice(body.tool_choice);
  if (body.parallel_tool_calls === false) out.parallel_tool_calls = false;
  const effort = (body.reasoning as Json | undefined)?.effort;
  if (typeof effort === 'string') out.reasoning_effort = effort;
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

function message(item: Json): Json {
  const role = item.role === 'developer' ? 'system' : String(item.role ?? 'user');
  if (!['system', 'user', 'assistant'].includes(role)) throw untranslatable(`a message with role "${role}"`);
  if (typeof item.content === 'string') return { role, content: item.content };
  const parts = ((item.content as Json[] | undefined) ?? []).map((part) => {
    if (part.type === 'input_text' || part.type === 'output_text') return { type: 'text', text: String(part.text ?? '') };
    if (part.type === 'input_image' && typeof part.image_url === 'string') return { type: 'image_url', image_url: { url: part.image_url } };
    throw untranslatable(`a "${String(part.type)}" content part`);
  });
  // Assistant and system turns take plain text; user turns keep parts (images).
  if (role !== 'user' || parts.every((p) => p.type === 'text')) return { role, content: parts.map((p) => p.text).join('') };
  return { role, content: parts };
}

function tool(definition: Json): Json {
  if (definition.type !== 'function') throw untranslatable(`a tool of type "${String(definition.type)}"`);
  return {
    type: 'function',
    function: {
      name: definition.name,
      ...(definition.description ? { description: definition.description } : {}),
      parameters: definition.parameters ?? { type: 'object', properties: {} },
      ...(definition.strict !== undefined && definition.strict !== null ? { strict: definition.strict } : {}),
    },
  };
}

function toolChoice(choice: unknown): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const named = choice as Json;
  if (named.type === 'function' && typeof named.name === 'string') return { type: 'function', function: { name: named.name } };
  throw untranslatable('this "tool_choice"');
}
