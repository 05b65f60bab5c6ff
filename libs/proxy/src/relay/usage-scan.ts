/**
 * Reads the `"usage"` object of an OpenAI-wire JSON text without parsing the whole document: responses can be large
 * and the gateway needs only the usage. Only an unescaped `"usage":` can be a key (inside a string the quotes are
 * escaped), and OpenAI puts it last, so the last occurrence is taken and its object matched brace by brace.
 * Returns `undefined` when there is no usage object, so callers can fall back to a full parse if they must.
 */
export function scanUsage(text: string): unknown {
  const key = text.lastIndexOf('"usage"');
  if (key === -1) return undefined;
  let i = key + 7;
  while (i < text.length && (text[i] === ' ' || text[i] === ':' || text[i] === '\n' || text[i] === '\t' || text[i] === '\r')) i++;
  if (text[i] !== '{') return undefined;
  const start = i;
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1)) as unknown;
      } catch {
        return undefined; // not well-formed after all: the caller treats the call as reporting no usage
      }
    }
  }
  return undefined;
}

/** OpenAI's serialization of the null usage every chunk carries once `include_usage` is on. */
const NULL_USAGE = ',"usage":null';

/**
 * A stream chunk's data with the `usage` field the gateway forced removed, for clients that did not ask for it:
 * a plain text cut in the common case, a parse only when the field is written some other way.
 */
export function withoutUsageField(data: string): string {
  if (data.includes(NULL_USAGE) && !data.includes('"usage":{')) return data.replace(NULL_USAGE, '');
  const parsed = JSON.parse(data) as Record<string, unknown>;
  delete parsed.usage;
  return JSON.stringify(parsed);
}
