/**
 * Splits a byte stream into complete SSE events. A `TextDecoder` in streaming mode keeps multi-byte UTF-8
 * characters whole across chunk boundaries; events end at a blank line (`\n\n` or `\r\n\r\n`).
 */
export class SseSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';

  /** Complete events in this chunk, each without its terminating blank line. */
  push(chunk: Uint8Array): string[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const events: string[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      events.push(this.buffer.slice(0, match.index));
      this.buffer = this.buffer.slice(match.index + match[0].length);
    }
    return events;
  }

  /** What was left without a terminating blank line when the stream ended. */
  rest(): string {
    return (this.buffer + this.decoder.decode()).trim();
  }
}

/** The joined `data:` lines of an event, or undefined for comments and events without data. */
export function eventData(event: string): string | undefined {
  let data: string | undefined;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line[5] === ' ' ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
