import { GatewayErrors } from '../errors/gateway-error';
import { parseDataUrl } from './documents';
import { carriedReasoning, reasoningSummaryWanted } from './reasoning-carrier';

/**
 * Chat Completions request → Gemini `generateContent` request, as a pure function. What has a faithful counterpart is
 * mapped; what has none fails with a 400 naming the feature (never silently dropped). Parameters at their neutral
 * value (`n: 1`, `logprobs: false` …) are accepted and left out, since SDKs send them by default. Streaming is chosen
 * by the URL (`streamGenerateContent`), not by the body, so `stream` and `stream_options` leave no trace here.
 */

type Json = Record<string, unknown>;
type GeminiPart = Json;
interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** reasoning_effort → `thinkingConfig.thinkingBudget` (tokens) for Gemini 2.5; 0 turns thinking off. */
const GEMINI_THINKING_BUDGETS: Readonly<Record<string, number>> = { none: 0, minimal: 0, low: 1024, medium: 8192, high: 24576 };

/**
 * The thinking configuration for an effort, by model family, within what Google documents for each:
 * - Gemini 3 and later take `thinkingLevel` (Pro: low and high; Flash also minimal and medium); thinking cannot be
 *   turned off, so none and minimal ask for the least there is.
 * - Gemini 2.5 Pro thinks 128–32,768 tokens and cannot stop thinking: none and minimal ask for the least, 128.
 * - Other 2.5 models (Flash, Flash-Lite) take the budget table, 0 meaning no thinking.
 */
function geminiThinkingConfig(upstreamModel: string, effort: string): Json {
  const model = upstreamModel.replace(/^models\//, '');
  const flash = model.includes('flash');
  if (NEEDS_THOUGHT_SIGNATURES.test(model)) {
    const levels: Record<string, string> = flash
      ? { none: 'minimal', minimal: 'minimal', low: 'low', medium: 'medium', high: 'high' }
      : { none: 'low', minimal: 'low', low: 'low', medium: 'high', high: 'high' };
    return { thinkingLevel: levels[effort] };
  }
  if (/^gemini-2\.5-pro/.test(model))
    return { thinkingBudget: { none: 128, minimal: 128, high: 32768 }[effort] ?? GEMINI_THINKING_BUDGETS[effort] };
  return { thinkingBudget: GEMINI_THINKING_BUDGETS[effort] };
}

/**
 * Gemini 3 refuses a replayed function call without the thought signature it was answered with, and a chat client
 * cannot carry one: Google documents this value for history that has none (Gemini 2.5 does not require signatures).
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
const NEEDS_THOUGHT_SIGNATURES = /^(models\/)?gemini-([3-9]|\d{2,})/;

/** Image types Gemini reads, by file extension: an image URL's type must be named, Gemini does not sniff it. */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

const AUDIO_TYPES: Readonly<Record<string, string>> = { wav: 'audio/wav', mp3: 'audio/mp3' };

const untranslatable = (feature: string) =>
  GatewayErrors.unsupported(`${feature} cannot be translated to the Gemini API, which serves this model.`);

/** Fields that change nothing when at these values; any other value has no Gemini counterpart. */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  n: (v) => v === 1, // one candidate: chat answers carry one choice here
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  logit_bias: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
  parallel_tool_calls: (v) => v === true, // Gemini may always answer with several calls; it cannot be told not to
  service_tier: (v) => v === 'auto' || v === 'default',
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
  verbosity: (v) => v === 'medium',
};

/** Fields handled below, or hints that change nothing in the answer (identifiers, cache keys) and are left behind. */
const HANDLED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'reasoning_effort',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'metadata',
]);

export function chatToGemini(body: Json, upstreamModel: string): Json {
  for (const [field, value] of Object.entries(body)) {
    if (HANDLED.has(field) || value === null || value === undefined) continue;
    const neutral = NEUTRAL[field];
    if (!neutral || !neutral(value)) throw untranslatable(`"${field}"`);
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw GatewayErrors.invalidBody('"messages" must be a non-empty array.', 'messages');

  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  /** Tool call id → function name: a Gemini function response names its function, a chat tool message only the call id. */
  const callNames = new Map<string, string>();
  const signatures = NEEDS_THOUGHT_SIGNATURES.test(upstreamModel);
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return; // Gemini refuses a turn without parts
    const last = contents.at(-1);
    // Consecutive turns of one role are merged: a model call's function responses come back together, in one turn.
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const raw of body.messages as Json[]) {
    const role = raw.role;
    if (role === 'system' || role === 'developer') system.push(...textParts(raw.content, 'system'));
    else if (role === 'user') push('user', userParts(raw.content));
    else if (role === 'assistant') push('model', modelParts(raw, callNames, signatures));
    else if (role === 'tool') {
      const id = String(raw.tool_call_id ?? '');
      const name = callNames.get(id);
      if (name === undefined)
        throw GatewayErrors.invalidBody(
          `The tool message for tool_call_id "${id}" answers no tool call of an earlier assistant message.`,
          'messages',
        );
      push('user', [{ functionResponse: { name, response: { content: toolResultText(raw.content) } } }]);
    } else throw untranslatable(`a message with role "${String(role)}"`);
  }
  if (contents.length === 0) throw GatewayErrors.invalidBody('At least one user or assistant message with content is needed.', 'messages');

  const out: Json = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (hasTools) out.tools = [{ functionDeclarations: (body.tools as Json[]).map(functionDeclaration) }];
  const choice = functionCallingConfig(body.tool_choice);
  if (choice && hasTools) out.toolConfig = { functionCallingConfig: choice };
  else if (choice && choice.mode !== 'NONE' && choice.mode !== 'AUTO')
    throw GatewayErrors.invalidBody('"tool_choice" requires "tools".', 'tool_choice');
  const config = generationConfig(body, upstreamModel);
  if (Object.keys(config).length > 0) out.generationConfig = config;
  return out;
}

function generationConfig(body: Json, upstreamModel: string): Json {
  const config: Json = {};
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max === 'number') config.maxOutputTokens = max; // thinking counts inside it, as reasoning does for OpenAI
  if (typeof body.temperature === 'number') config.temperature = body.temperature; // both accept 0–2
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  if (body.stop !== undefined && body.stop !== null) config.stopSequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (typeof body.seed === 'number') config.seed = body.seed;
  if (typeof body.presence_penalty === 'number' && body.presence_penalty !== 0) config.presencePenalty = body.presence_penalty;
  if (typeof body.frequency_penalty === 'number' && body.frequency_penalty !== 0) config.frequencyPenalty = body.frequency_penalty;

  const format = body.response_format as Json | null | undefined;
  if (format && format.type === 'json_object') config.responseMimeType = 'application/json';
  else if (format && format.type === 'json_schema') {
    const schema = (format.json_schema as Json | undefined)?.schema;
    config.responseMimeType = 'application/json';
    // JSON Schema as it is (`responseJsonSchema`), not converted to the OpenAPI subset of `responseSchema`.
    if (schema !== undefined && schema !== null) config.responseJsonSchema = schema;
  } else if (format && format.type !== 'text') throw untranslatable(`response_format "${String(format.type)}"`);

  const effort = body.reasoning_effort;
  if (typeof effort === 'string' && Object.hasOwn(GEMINI_THINKING_BUDGETS, effort))
    config.thinkingConfig = geminiThinkingConfig(upstreamModel, effort);
  else if (effort !== undefined && effort !== null) throw untranslatable(`reasoning_effort "${String(effort)}"`);
  // A Responses client that asked for a reasoning summary gets Gemini's thought summaries (unless thinking is off).
  if (reasoningSummaryWanted(body) && (config.thinkingConfig as Json | undefined)?.thinkingBudget !== 0)
    config.thinkingConfig = { ...((config.thinkingConfig as Json | undefined) ?? {}), includeThoughts: true };
  return config;
}

function textParts(content: unknown, where: string): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) return [];
  const parts: GeminiPart[] = [];
  for (const part of content as Json[]) {
    const text = part.type === 'text' ? part.text : where === 'assistant' && part.type === 'refusal' ? part.refusal : undefined;
    if (text === undefined) throw untranslatable(`a "${String(part.type)}" part in a ${where} message`);
    if (text) parts.push({ text: String(text) });
  }
  return parts;
}

function userParts(content: unknown): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  if (!Array.isArray(content)) throw GatewayErrors.invalidBody('A user message needs "content".', 'messages');
  const parts: GeminiPart[] = [];
  for (const part of content as Json[]) {
    if (part.type === 'text') {
      if (part.text) parts.push({ text: String(part.text) });
    } else if (part.type === 'image_url') parts.push(imagePart(part.image_url));
    else if (part.type === 'input_audio') parts.push(audioPart(part.input_audio as Json | undefined));
    else if (part.type === 'file') parts.push(filePart(part.file as Json | undefined));
    else throw untranslatable(`a "${String(part.type)}" content part`);
  }
  return parts;
}

/** `data:` URLs become inline data; http(s) URLs stay URLs (Gemini fetches them, the gateway never does). */
function imagePart(imageUrl: unknown): GeminiPart {
  const url = typeof imageUrl === 'string' ? imageUrl : String((imageUrl as Json | null)?.url ?? '');
  const data = parseDataUrl(url);
  if (data) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (!/^https?:\/\//i.test(url)) throw GatewayErrors.invalidBody('An image_url must be an http(s) URL or a base64 data URL.', 'messages');
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const mimeType = extension ? IMAGE_TYPES[extension] : undefined;
  if (!mimeType) {
    throw GatewayErrors.unsupported(
      `The Gemini API needs the type of an image given by URL, and it cannot be told from this URL's name (${Object.keys(IMAGE_TYPES)
        .map((e) => `.${e}`)
        .join(', ')} are recognized): send the image as a base64 data URL instead.`,
    );
  }
  return { fileData: { mimeType, fileUri: url } };
}

function audioPart(audio: Json | undefined): GeminiPart {
  const mimeType = AUDIO_TYPES[String(audio?.format)];
  if (!mimeType) throw untranslatable(`input_audio of format "${String(audio?.format)}"`);
  return { inlineData: { mimeType, data: String(audio?.data ?? '') } };
}

/**
 * A file given inline (`file_data`, a base64 data URL); a `file_id` names a file stored at OpenAI, which Gemini cannot
 * read, and a `file_url` (from a Responses `input_file`) would have to be fetched, which the gateway never does.
 */
function filePart(file: Json | undefined): GeminiPart {
  const data = parseDataUrl(String(file?.file_data ?? ''));
  if (!data) {
    const given = file?.file_url !== undefined ? 'a file_url' : file?.file_id !== undefined ? 'a file_id' : 'nothing inline';
    throw untranslatable(`a "file" content part without inline base64 "file_data" (${given})`);
  }
  return { inlineData: { mimeType: data.mediaType, data: data.data } };
}

/**
 * A model turn. A function call replays the thought signature Gemini gave it when the message carries it (a Responses
 * reasoning item, see reasoning-carrier.ts); otherwise, for Gemini 3, the first call of the step gets the documented
 * skip value.
 */
function modelParts(message: Json, callNames: Map<string, string>, signatures: boolean): GeminiPart[] {
  const parts = textParts(message.content, 'assistant');
  const carried = carriedReasoning(message);
  const signed = new Map<string, string>();
  if (carried?.vendor === 'gemini') {
    for (const item of carried.items)
      if (typeof item.toolCallId === 'string' && typeof item.thoughtSignature === 'string')
        signed.set(item.toolCallId, item.thoughtSignature);
  }
  let first = signed.size === 0;
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    if (call.type !== undefined && call.type !== 'function') throw untranslatable(`a tool call of type "${String(call.type)}"`);
    const fn = call.function as Json | undefined;
    let args: unknown;
    try {
      args = JSON.parse(String(fn?.arguments ?? '{}') || '{}');
    } catch {
      throw GatewayErrors.invalidBody(`The arguments of tool call ${String(call.id)} are not valid JSON.`, 'messages');
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args))
      throw GatewayErrors.invalidBody(
        `The arguments of tool call ${String(call.id)} must be a JSON object for the Gemini API.`,
        'messages',
      );
    const name = String(fn?.name ?? '');
    callNames.set(String(call.id), name);
    // Only the first call of a step carries a signature (parallel calls share it).
    const signature = signed.get(String(call.id)) ?? (signatures && first ? SKIP_THOUGHT_SIGNATURE : undefined);
    parts.push({ functionCall: { name, args }, ...(signature ? { thoughtSignature: signature } : {}) });
    first = false;
  }
  return parts;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return textParts(content, 'tool')
    .map((p) => String(p.text))
    .join('');
}

function functionDeclaration(definition: Json): Json {
  if (definition.type !== 'function') throw untranslatable(`a tool of type "${String(definition.type)}"`);
  const fn = (definition.function ?? {}) as Json;
  return {
    name: fn.name,
    ...(fn.description ? { description: fn.description } : {}),
    // JSON Schema as the client wrote it (`parametersJsonSchema`), not converted to the OpenAPI subset of `parameters`.
    ...(fn.parameters ? { parametersJsonSchema: fn.parameters } : {}),
  };
}

function functionCallingConfig(choice: unknown): Json | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  const named = (choice as Json).function as Json | undefined;
  if ((choice as Json).type === 'function' && typeof named?.name === 'string') return { mode: 'ANY', allowedFunctionNames: [named.name] };
  throw untranslatable('this "tool_choice"');
}
