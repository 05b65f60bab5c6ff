import type { GatewayError } from '../errors/gateway-error';

/** Pieces of an Anthropic Messages request that read the same whichever OpenAI wire they are translated to. */

type Json = Record<string, unknown>;
type Refuse = (feature: string) => GatewayError;

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
