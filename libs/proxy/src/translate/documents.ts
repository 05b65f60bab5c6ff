import { GatewayErrors, type GatewayError } from '../errors/gateway-error';

/**
 * Documents (PDF and plain text) between the wires, as pure functions:
 *
 * - Chat Completions `file` parts carry the file inline (`file.file_data`, a base64 data URL, with `file.filename`)
 *   or name a file stored at OpenAI (`file.file_id`, which no other vendor can read). A Responses `input_file` with a
 *   `file_url` travels through the chat wire as a `file` part with `file.file_url` (an extension of the chat shape:
 *   only the Anthropic translation reads it).
 * - Anthropic `document` blocks carry a PDF (`source.type: "base64"`, `media_type: "application/pdf"`), plain text
 *   (`source.type: "text"`), content blocks (`source.type: "content"`), a URL or a Files API id; `title`, `context`
 *   and `citations` beside it.
 */

type Json = Record<string, unknown>;
type Block = Json & { type: string };

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** A base64 `data:` URL's media type (as written) and data, or undefined for any other text. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  return match ? { mediaType: match[1]!, data: match[2]! } : undefined;
}

/** File types told by a file name when `file_data` is bare base64 rather than a data URL. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/plain',
  csv: 'text/plain',
  json: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** The media type and base64 data of an inline chat file, or undefined when it is not inline. */
function inlineFile(file: Json): { mediaType: string; data: string } | undefined {
  if (typeof file.file_data !== 'string' || !file.file_data) return undefined;
  const url = parseDataUrl(file.file_data);
  if (url) return { mediaType: url.mediaType.toLowerCase(), data: url.data };
  const extension = /\.([a-z0-9]+)$/i.exec(typeof file.filename === 'string' ? file.filename : '')?.[1]?.toLowerCase();
  const mediaType = extension ? TYPES_BY_EXTENSION[extension] : undefined;
  return mediaType ? { mediaType, data: file.file_data } : { mediaType: 'application/octet-stream', data: file.file_data };
}

/**
 * A chat `file` part as an Anthropic block: a PDF as a base64 `document`, text (any `text/*` type) as a plain-text
 * `document` (Anthropic takes its text, not base64), an image as an `image` block, a `file_url` as a URL `document`
 * (Anthropic fetches it; the gateway never does). A `file_id` and other types are refused with a 400 naming them.
 */
export function chatFileToAnthropic(file: Json | undefined, untranslatable: (feature: string) => GatewayError): Block {
  const f = file ?? {};
  const title = typeof f.filename === 'string' && f.filename ? { title: f.filename } : {};
  if (typeof f.file_url === 'string') {
    if (!/^https?:\/\//i.test(f.file_url)) throw GatewayErrors.invalidBody('A file_url must be an http(s) URL.', 'messages');
    return { type: 'document', source: { type: 'url', url: f.file_url }, ...title };
  }
  const inline = inlineFile(f);
  if (!inline) {
    if (f.file_id !== undefined)
      throw untranslatable('a "file" content part with a "file_id" (a file stored at OpenAI; send it inline as base64 "file_data")');
    throw GatewayErrors.invalidBody('A "file" content part needs "file_data" (a base64 data URL).', 'messages');
  }
  if (inline.mediaType === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data }, ...title };
  }
  if (inline.mediaType.startsWith('text/')) {
    const text = Buffer.from(inline.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  if (inline.mediaType.startsWith('image/'))
    return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  throw untranslatable(`a file of type "${inline.mediaType}" (documents are PDF or plain text)`);
}

/**
 * An Anthropic `document` block as chat content parts: a PDF as a `file` part (base64 data URL, the title as its file
 * name), plain text and text content blocks as text parts, images in content blocks as image parts; `context` comes
 * first as text. URL and Files API sources (the gateway never fetches, OpenAI cannot read Anthropic's files) and
 * citations are refused with a 400 naming them.
 */
export function anthropicDocumentToChat(block: Json, untranslatable: (feature: string) => GatewayError): Json[] {
  const source = (block.source ?? {}) as Json;
  const citations = block.citations as Json | null | undefined;
  if (citations && citations.enabled === true) throw untranslatable('a "document" block with citations');
  const title = typeof block.title === 'string' && block.title ? block.title : undefined;
  const parts: Json[] = [];
  if (typeof block.context === 'string' && block.context) parts.push({ type: 'text', text: block.context });
  if (source.type === 'base64' && source.media_type === 'application/pdf') {
    parts.push({
      type: 'file',
      file: { filename: title ?? 'document.pdf', file_data: `data:application/pdf;base64,${String(source.data ?? '')}` },
    });
  } else if (source.type === 'text') {
    const text = String(source.data ?? '');
    parts.push({ type: 'text', text: title ? `${title}\n\n${text}` : text });
  } else if (source.type === 'content') {
    const content =
      typeof source.content === 'string' ? [{ type: 'text', text: source.content }] : ((source.content as Json[] | undefined) ?? []);
    for (const inner of content) {
      if (inner.type === 'text') parts.push({ type: 'text', text: String(inner.text ?? '') });
      else if (inner.type === 'image' && (inner.source as Json | undefined)?.type === 'base64') {
        const image = inner.source as Json;
        parts.push({ type: 'image_url', image_url: { url: `data:${String(image.media_type)};base64,${String(image.data)}` } });
      } else throw untranslatable(`a "${String(inner.type)}" block inside a "document" block`);
    }
  } else if (source.type === 'url') {
    throw untranslatable('a "document" block with a URL source (send the document as base64)');
  } else if (source.type === 'file') {
    throw untranslatable('a "document" block with a Files API source (a file stored at Anthropic; send it as base64)');
  } else {
    throw untranslatable(`a "document" block with a "${String(source.type)}" source of type "${String(source.media_type)}"`);
  }
  return parts;
}

/**
 * A Responses `input_file` part as a chat `file` part: inline `file_data` (a base64 data URL) with its `filename`, a
 * `file_id` (OpenAI's Chat Completions reads it; other vendors refuse it with a 400 naming it), or a `file_url` (see
 * above).
 */
export function responsesFileToChat(part: Json): Json {
  const filename = typeof part.filename === 'string' && part.filename ? { filename: part.filename } : {};
  if (typeof part.file_data === 'string' && part.file_data) return { type: 'file', file: { file_data: part.file_data, ...filename } };
  if (typeof part.file_id === 'string' && part.file_id) return { type: 'file', file: { file_id: part.file_id, ...filename } };
  if (typeof part.file_url === 'string' && part.file_url) return { type: 'file', file: { file_url: part.file_url, ...filename } };
  throw GatewayErrors.invalidBody('An "input_file" needs "file_data", "file_id" or "file_url".', 'input');
}
