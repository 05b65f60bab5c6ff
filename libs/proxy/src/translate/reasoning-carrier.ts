import { GatewayErrors } from '../errors/gateway-error';
import { continuesUnsignedToolLoop } from './anthropic-request-parts';

/**
 * Reasoning state that must survive the Chat Completions wire in the middle of a composed translation (Responses →
 * chat → Anthropic or Gemini, and back): Claude's signed `thinking` and `redacted_thinking` blocks, which must be
 * replayed byte-identical with every tool-use turn, and Gemini's `thoughtSignature`s, which Gemini 3 requires on
 * replayed function calls. The chat wire has no field for them, so the gateway carries them itself:
 *
 * - on a chat **message object** (JSON answers, and requests built from Responses input) under a symbol key, which no
 *   client can send (JSON has no symbols) and which no serialization writes: nothing reaches an OpenAI-wire upstream
 *   or a chat client, whatever path the object takes;
 * - in a chat **stream** as a delta field, {@link REASONING_DELTA}, written only by stream translations created to
 *   carry it (the Responses leg) and read only by the Responses stream translation;
 * - to the **client** and back as a Responses `reasoning` item whose `encrypted_content` is
 *   `allot.<vendor>.v1.` + base64url(JSON of the items), the one opaque field clients such as Codex replay verbatim.
 *   The content is encoded, not encrypted: the signatures make the vendors refuse anything altered.
 */

type Json = Record<string, unknown>;

export type ReasoningVendor = 'anthropic' | 'gemini';

/** The reasoning of one assistant turn, as a vendor needs it back. */
export interface CarriedReasoning {
  vendor: ReasoningVendor;
  /**
   * Anthropic: the `thinking` / `redacted_thinking` blocks exactly as received; Gemini: `{ toolCallId,
   * thoughtSignature }` per signed function call.
   */
  items: Json[];
  /** The readable part (Claude's thinking text, Gemini's thought summaries), one entry per summary part. */
  summary: string[];
}

const CARRIED = Symbol('allot.carriedReasoning');

/** The delta field of a chat chunk that carries reasoning through a composed stream: `{ vendor, text?, part?, item? }`. */
export const REASONING_DELTA = 'allot_reasoning';

/** One reasoning piece on a composed stream: summary text (of summary part `part`), or a whole item to replay. */
export interface ReasoningDelta {
  vendor: ReasoningVendor;
  text?: string;
  part?: number;
  item?: Json;
}

/** Puts reasoning on a chat message object (non-enumerable, symbol-keyed: never serialized, never spread). */
export function carryReasoning(message: Json, reasoning: CarriedReasoning | undefined): Json {
  if (reasoning && (reasoning.items.length > 0 || reasoning.summary.length > 0)) {
    const existing = carriedReasoning(message);
    const value =
      existing && existing.vendor === reasoning.vendor
        ? { vendor: existing.vendor, items: [...existing.items, ...reasoning.items], summary: [...existing.summary, ...reasoning.summary] }
        : reasoning;
    Object.defineProperty(message, CARRIED, { value, enumerable: false, configurable: true, writable: true });
  }
  return message;
}

/** The reasoning a chat message object carries, if any. */
export function carriedReasoning(message: unknown): CarriedReasoning | undefined {
  if (!message || typeof message !== 'object') return undefined;
  return (message as { [CARRIED]?: CarriedReasoning })[CARRIED];
}

const prefix = (vendor: ReasoningVendor) => `allot.${vendor}.v1.`;

/** The `encrypted_content` of a reasoning item carrying these items. */
export function encodeReasoning(vendor: ReasoningVendor, items: Json[]): string {
  return prefix(vendor) + Buffer.from(JSON.stringify(items), 'utf8').toString('base64url');
}

/** Where an encoding was read from, for the 400 an altered one gets. */
interface EncodedReasoningField {
  /** The field in words, e.g. "The signature of a thinking block in \"messages\"". */
  readonly what: string;
  readonly param: string;
}

const RESPONSES_FIELD: EncodedReasoningField = { what: 'The encrypted_content of a reasoning item in "input"', param: 'input' };

/**
 * The items a reasoning item's `encrypted_content` (or a Messages thinking block's `signature`, the same encoding)
 * carries for this vendor; undefined when it is not the gateway's encoding for this vendor (another vendor's, OpenAI's
 * or Anthropic's own: opaque, not replayable here). A value with the prefix but not decodable was altered: a 400,
 * rather than a turn the vendor would refuse less clearly.
 */
export function decodeReasoning(encrypted: unknown, vendor: ReasoningVendor, field = RESPONSES_FIELD): Json[] | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(prefix(vendor))) return undefined;
  try {
    const items = JSON.parse(Buffer.from(encrypted.slice(prefix(vendor).length), 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(items) && items.every((i) => i && typeof i === 'object' && !Array.isArray(i))) return items as Json[];
  } catch {
    // SyntaxError from JSON.parse: not the gateway's encoding after all; refused below.
  }
  throw GatewayErrors.invalidBody(`${field.what} was altered: replay it as it was received.`, field.param);
}

const SUMMARY_WANTED = Symbol('allot.reasoningSummaryWanted');

/** Marks a chat request whose client asked for a reasoning summary (Gemini then returns its thought summaries). */
export function wantReasoningSummary(chatRequest: Json): Json {
  Object.defineProperty(chatRequest, SUMMARY_WANTED, { value: true, enumerable: false, configurable: true });
  return chatRequest;
}

export const reasoningSummaryWanted = (chatRequest: Json): boolean =>
  (chatRequest as { [SUMMARY_WANTED]?: boolean })[SUMMARY_WANTED] === true;

const isGatewayReasoning = (item: unknown): boolean =>
  !!item &&
  (item as Json).type === 'reasoning' &&
  typeof (item as Json).encrypted_content === 'string' &&
  ((item as Json).encrypted_content as string).startsWith('allot.');

/**
 * Drops the gateway's own reasoning items from a Responses request bound for a provider's own Responses API: a client
 * that switched models mid-conversation (Codex's `/model`) replays what a Claude or Gemini model thought, which OpenAI
 * could not verify and would refuse. Returns whether any was dropped; the input is untouched (not copied) otherwise.
 */
export function dropGatewayReasoning(body: Json): boolean {
  if (!Array.isArray(body.input) || !body.input.some(isGatewayReasoning)) return false;
  body.input = body.input.filter((item) => !isGatewayReasoning(item));
  return true;
}

const isGatewayThinking = (block: unknown): boolean =>
  !!block &&
  (block as Json).type === 'thinking' &&
  typeof (block as Json).signature === 'string' &&
  ((block as Json).signature as string).startsWith('allot.');

const gatewayThinkingIn = (message: unknown): boolean =>
  !!message && Array.isArray((message as Json).content) && ((message as Json).content as unknown[]).some(isGatewayThinking);

/**
 * Drops the gateway's own `thinking` blocks (signed `allot.<vendor>.v1.`) from a Messages request bound for
 * Anthropic's own API: Claude Code moved from a Gemini (or GPT) model to a Claude one (`/model`) replays what that
 * model thought, and Anthropic refuses any thinking block whose signature it did not issue. Returns whether any was
 * dropped; the messages are untouched (not copied) otherwise, and the client's objects are never changed.
 */
export function dropGatewayThinking(body: Json): boolean {
  if (!Array.isArray(body.messages) || !body.messages.some(gatewayThinkingIn)) return false;
  body.messages = body.messages.map((message: unknown) =>
    gatewayThinkingIn(message)
      ? { ...(message as Json), content: ((message as Json).content as unknown[]).filter((b) => !isGatewayThinking(b)) }
      : message,
  );
  // A tool loop whose calls were signed by the other vendor now runs on without their thinking: Claude would refuse
  // it with thinking on, so thinking stays off until the loop ends.
  if (body.thinking && continuesUnsignedToolLoop(body.messages as unknown[])) delete body.thinking;
  return true;
}
