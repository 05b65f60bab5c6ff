import { eventData, SseSplitter } from './sse-splitter';

const bytes = (s: string) => new TextEncoder().encode(s);

describe(SseSplitter.name, () => {
  it('should return events only once they are complete, across chunks', () => {
    const splitter = new SseSplitter();
    expect(splitter.push(bytes('data: {"a"'))).toEqual([]);
    expect(splitter.push(bytes(':1}\n'))).toEqual([]);
    expect(splitter.push(bytes('\ndata: [DONE]\n\n'))).toEqual(['data: {"a":1}', 'data: [DONE]']);
  });

  it('should keep a multi-byte character split across chunks intact', () => {
    const splitter = new SseSplitter();
    const all = bytes('data: {"t":"héllo 世界 👋"}\n\n');
    const events = [...all].flatMap((_, i) => splitter.push(all.subarray(i, i + 1)));
    expect(events).toEqual(['data: {"t":"héllo 世界 👋"}']);
  });

  it('should handle CRLF framing and report an unterminated rest', () => {
    const splitter = new SseSplitter();
    expect(splitter.push(bytes('event: x\r\ndata: 1\r\n\r\ndata: partial'))).toEqual(['event: x\r\ndata: 1']);
    expect(splitter.rest()).toBe('data: partial');
  });

  it('should read data lines and ignore comments', () => {
    expect(eventData('event: response.completed\ndata: {"x":1}')).toBe('{"x":1}');
    expect(eventData('data:a\ndata: b')).toBe('a\nb');
    expect(eventData(': keep-alive')).toBeUndefined();
  });
});
