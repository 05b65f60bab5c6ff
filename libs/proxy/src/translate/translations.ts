import { normalizeAnthropicUsage, normalizeGeminiUsage, normalizeOpenAiUsage, type NormalizedUsage } from '@allot/billing';
import type { ModelRoute } from '@allot/catalog';
import type { ProviderType } from '@allot/contracts';
import { adapterFor, type UpstreamOperation } from '../adapters/provider-adapter';
import type { AdmittedCall } from '../preflight/preflight-context';
import { chatToGemini } from './chat-to-gemini';
import { chatToMessages } from './chat-to-messages';
import { GeminiAsChatStream, geminiToChat } from './gemini-to-chat';
import { MessagesAsChatStream, messagesToChat } from './messages-to-chat';
import { messagesToOpenAiChat } from './messages-to-openai';
import { ChatAsMessagesStream, openAiChatToMessage } from './openai-to-messages';
import { ResponsesTools, responsesToChat } from './responses-to-chat';
import type { ReasoningVendor } from './reasoning-carrier';
import { ComposedStream } from './composed-stream';
import { answerAsAsked, streamAsAsked, withStructuredOutput } from './structured-output';
import { ChatAsResponsesStream, chatToResponse } from './chat-to-responses';
import { messagesToResponses } from './messages-to-responses';
import { ResponsesAsMessagesStream, responseToMessage } from './responses-to-messages';
import { gatewayResponseId, type StreamProtocol } from '../relay/stream-protocols';

type Json = Record<string, unknown>;

/**
 * How a call in one wire reaches a provider that speaks another: the upstream operation, the request and answer
 * translations (pure functions), and the stream translation. The relay does the rest as for native calls.
 */
export interface WireTranslation {
  readonly upstreamOperation: UpstreamOperation;
  /** The operation for streams, when the provider streams at another URL (Gemini's `streamGenerateContent`). */
  readonly streamOperation?: UpstreamOperation;
  /** `adjusted` collects what was changed or left out on the way (the `x-allot-adjusted-params` response header). */
  request(body: Json, call: AdmittedCall, adjusted?: string[]): Json;
  response(upstream: Json, call: AdmittedCall): { body: Json; usage: NormalizedUsage | undefined };
  stream(call: AdmittedCall, clientWantsUsage: boolean): StreamProtocol;
}

const createdOf = (call: AdmittedCall) => Math.floor(call.startedAt.getTime() / 1000);

/**
 * Chat completions on Anthropic models. With `carry` (the Responses leg), streamed thinking travels on as carried
 * reasoning deltas; JSON answers always carry it on the message object, where a chat client never sees it.
 */
const chatToAnthropicApi = (carry: boolean): WireTranslation => ({
  upstreamOperation: 'messages',
  request: (body, call, adjusted) =>
    chatToMessages(withStructuredOutput(body, call), call.route.upstreamName, call.maxOutputTokens, adjusted),
  response: (message, call) => ({
    body: answerAsAsked(messagesToChat(message, call.requestedModel, createdOf(call)), call),
    usage: normalizeAnthropicUsage(message.usage),
  }),
  stream: (call, clientWantsUsage) =>
    streamAsAsked(new MessagesAsChatStream(call.requestedModel, createdOf(call), clientWantsUsage, carry), call),
});
const chatToAnthropic = chatToAnthropicApi(false);

/**
 * Claude Code and the Anthropic SDKs through the Chat Completions wire. With `carry` (the Gemini leg), the vendor's
 * reasoning rides in `thinking` blocks signed with the gateway's encoding, replayed on the next turn (see
 * reasoning-carrier.ts).
 */
const messagesThroughChat = (carry?: ReasoningVendor): WireTranslation => ({
  upstreamOperation: 'chat',
  request: (body, call) => messagesToOpenAiChat(body, call.route.upstreamName, call.route.provider.type, carry ? { carry } : {}),
  response: (chat, call) => ({ body: openAiChatToMessage(chat, call.requestedModel, !!carry), usage: normalizeOpenAiUsage(chat.usage) }),
  stream: (call) => new ChatAsMessagesStream(call.requestedModel, !!carry),
});
/** Claude Code and the Anthropic SDKs on OpenAI, Azure OpenAI and OpenAI-compatible models. */
const messagesToOpenAi = messagesThroughChat();

/**
 * Chat completions clients on Gemini models: `generateContent`, or `streamGenerateContent?alt=sse` for streams. With
 * `carry` (the Responses leg), thought summaries and signatures travel on as carried reasoning deltas.
 */
const chatToGeminiApi = (carry: boolean): WireTranslation => ({
  upstreamOperation: 'generate',
  streamOperation: 'generate_stream',
  request: (body, call) => chatToGemini(body, call.route.upstreamName),
  response: (answer, call) => ({
    body: geminiToChat(answer, call.requestedModel, createdOf(call), call.requestId),
    usage: normalizeGeminiUsage(answer.usageMetadata),
  }),
  stream: (call, clientWantsUsage) => new GeminiAsChatStream(call.requestedModel, createdOf(call), clientWantsUsage, call.requestId, carry),
});
const chatToGeminiPlain = chatToGeminiApi(false);

/** The request's tools, read when the request is translated and needed again for its answer. */
const requestTools = new WeakMap<AdmittedCall, ResponsesTools>();

/**
 * Responses API clients on a model whose provider has no Responses API (flagged `unavailable` by `cli
 * test-responses` or an admin): served through its Chat Completions API, statelessly. With `carry`, the vendor's
 * reasoning rides in reasoning items (see reasoning-carrier.ts); hosted tools the provider cannot run are left out and
 * named in `adjusted`.
 */
const responsesThroughChat = (carry?: ReasoningVendor): WireTranslation => ({
  upstreamOperation: 'chat',
  request: (body, call, adjusted) => {
    const tools = ResponsesTools.of(body);
    requestTools.set(call, tools);
    adjusted?.push(...tools.omitted);
    return responsesToChat(body, call.route.upstreamName, { tools, ...(carry ? { carry } : {}) });
  },
  response: (chat, call) => ({
    body: chatToResponse(chat, gatewayResponseId(call.requestId), call.requestedModel, createdOf(call), requestTools.get(call)),
    usage: normalizeOpenAiUsage(chat.usage),
  }),
  stream: (call) =>
    new ChatAsResponsesStream(gatewayResponseId(call.requestId), call.requestedModel, createdOf(call), requestTools.get(call), !!carry),
});
const responsesViaChat = responsesThroughChat();
const CHAT_PROVIDERS: ReadonlySet<ProviderType> = new Set(['openai', 'azure-openai', 'openai-compatible']);

/**
 * `outer` (client wire → chat) followed by `inner` (chat → provider wire): requests go through both, answers and
 * streams back through both. The ledger keeps the provider's own usage (the inner translation's).
 */
function throughChat(outer: WireTranslation, inner: WireTranslation): WireTranslation {
  return {
    upstreamOperation: inner.upstreamOperation,
    ...(inner.streamOperation ? { streamOperation: inner.streamOperation } : {}),
    request: (body, call, adjusted) => inner.request(outer.request(body, call, adjusted), call, adjusted),
    response: (answer, call) => {
      const middle = inner.response(answer, call);
      return { body: outer.response(middle.body, call).body, usage: middle.usage };
    },
    stream: (call, clientWantsUsage) => new ComposedStream(inner.stream(call, true), outer.stream(call, clientWantsUsage)),
  };
}

/**
 * Claude Code and the Anthropic SDKs on a model whose provider has the Responses API: through it, statelessly, so
 * OpenAI's reasoning survives tool-use turns (reasoning items ride in signed `thinking` blocks, see
 * messages-to-responses.ts). What was left out (thinking another vendor signed) is named in `adjusted`.
 */
const messagesViaResponses: WireTranslation = {
  upstreamOperation: 'responses',
  request: (body, call, adjusted) => messagesToResponses(body, call.route.upstreamName, adjusted),
  response: (response, call) => ({ body: responseToMessage(response, call.requestedModel), usage: normalizeOpenAiUsage(response.usage) }),
  stream: (call) => new ResponsesAsMessagesStream(call.requestedModel),
};

/**
 * Whether a model's provider serves the Responses API: OpenAI and Azure OpenAI do unless the model is flagged
 * `unavailable`; an OpenAI-compatible server only when flagged `available` (most self-hosted servers lack it).
 */
function hasResponsesApi(route: Pick<ModelRoute, 'provider' | 'responses'>): boolean {
  if (route.provider.type === 'openai-compatible') return route.responses === 'available';
  return CHAT_PROVIDERS.has(route.provider.type) && route.responses !== 'unavailable';
}

const TRANSLATIONS: Partial<Record<UpstreamOperation, Partial<Record<ProviderType, WireTranslation>>>> = {
  chat: { anthropic: chatToAnthropic, gemini: chatToGeminiPlain },
  messages: {
    openai: messagesToOpenAi,
    'azure-openai': messagesToOpenAi,
    'openai-compatible': messagesToOpenAi,
    gemini: throughChat(messagesThroughChat('gemini'), chatToGeminiApi(true)),
  },
  responses: {
    gemini: throughChat(responsesThroughChat('gemini'), chatToGeminiApi(true)),
    anthropic: throughChat(responsesThroughChat('anthropic'), chatToAnthropicApi(true)),
  },
};

/**
 * The translation a call in this wire needs for this model, or undefined when its provider speaks the wire natively
 * (or not at all).
 */
export function translationFor(
  operation: UpstreamOperation,
  route: Pick<ModelRoute, 'provider' | 'responses'>,
): WireTranslation | undefined {
  if (operation === 'responses' && route.responses === 'unavailable' && CHAT_PROVIDERS.has(route.provider.type)) return responsesViaChat;
  if (operation === 'messages' && hasResponsesApi(route)) return messagesViaResponses;
  return TRANSLATIONS[operation]?.[route.provider.type];
}

export type WireSupport = 'native' | 'translated' | 'none';

/** How a call in this wire reaches a provider type: the README's matrix is checked against this. */
export function wireSupport(operation: UpstreamOperation, provider: ProviderType): WireSupport {
  if (adapterFor(provider).operations.has(operation)) return 'native';
  return TRANSLATIONS[operation]?.[provider] ? 'translated' : 'none';
}
