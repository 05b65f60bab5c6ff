import { GatewayError } from '../errors/gateway-error';
import { chatToGemini } from './chat-to-gemini';
import { chatToMessages } from './chat-to-messages';
import { messagesToOpenAiChat } from './messages-to-openai';
import { responsesToChat } from './responses-to-chat';

type Json = Record<string, unknown>;
const PDF = 'JVBERi0xLjQK'; // "%PDF-1.4\n"
const TEXT = Buffer.from('Minutes: the budget was approved.').toString('base64');

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return (error as GatewayError).message;
  }
  throw new Error('not refused');
};

describe('documents: chat file parts → Anthropic', () => {
  const blocks = (file: Json) =>
    (
      (chatToMessages({ messages: [{ role: 'user', content: [{ type: 'file', file }] }] }, 'claude', 100).messages as Json[])[0]!
        .content as Json[]
    )[0];

  it.each<[string, Json, Json]>([
    [
      'a PDF data URL: a base64 document titled by its file name',
      { filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF}` },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' },
    ],
    [
      'bare base64 named .pdf',
      { filename: 'report.pdf', file_data: PDF },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' },
    ],
    [
      'a text file: a plain-text document with its text',
      { filename: 'minutes.txt', file_data: `data:text/plain;base64,${TEXT}` },
      {
        type: 'document',
        source: { type: 'text', media_type: 'text/plain', data: 'Minutes: the budget was approved.' },
        title: 'minutes.txt',
      },
    ],
    [
      'markdown without a file name: plain text too',
      { file_data: `data:text/markdown;base64,${TEXT}` },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Minutes: the budget was approved.' } },
    ],
    [
      'an image file: an image block',
      { filename: 'a.png', file_data: 'data:image/png;base64,iVBO' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
    ],
    [
      'a file URL (from a Responses input_file): a URL document Anthropic fetches',
      { filename: 'a.pdf', file_url: 'https://example.com/a.pdf' },
      { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' }, title: 'a.pdf' },
    ],
  ])('maps %s', (_name, file, expected) => {
    expect(blocks(file)).toEqual(expected);
  });

  it.each<[string, Json, string]>([
    ['a file_id', { file_id: 'file-abc' }, '"file_id"'],
    ['a type Anthropic does not read', { file_data: 'data:application/vnd.ms-excel;base64,AAAA' }, 'type "application/vnd.ms-excel"'],
    ['bare base64 without a known file name', { file_data: 'AAAA', filename: 'x.bin' }, 'type "application/octet-stream"'],
  ])('refuses %s with a 400 naming it', (_name, file, named) => {
    expect(refusal(() => blocks(file))).toContain(named);
  });
});

describe('documents: Responses input_file parts → chat file parts', () => {
  const parts = (part: Json) =>
    (
      responsesToChat({ model: 'x', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Summarize.' }, part] }] }, 'm')
        .messages as Json[]
    )[0]!.content;

  it.each<[string, Json, Json]>([
    [
      'inline file_data with its file name',
      { type: 'input_file', filename: 'r.pdf', file_data: `data:application/pdf;base64,${PDF}` },
      { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'r.pdf' } },
    ],
    ['a file_id (OpenAI chat reads it)', { type: 'input_file', file_id: 'file-1' }, { type: 'file', file: { file_id: 'file-1' } }],
    [
      'a file_url',
      { type: 'input_file', file_url: 'https://example.com/r.pdf' },
      { type: 'file', file: { file_url: 'https://example.com/r.pdf' } },
    ],
  ])('maps %s', (_name, part, expected) => {
    expect(parts(part)).toEqual([{ type: 'text', text: 'Summarize.' }, expected]);
  });

  it('refuses an input_file with nothing in it', () => {
    expect(refusal(() => parts({ type: 'input_file' }))).toContain('"input_file" needs');
  });
});

describe('documents: Anthropic document blocks → chat parts (and on to Gemini)', () => {
  const chat = (document: Json) =>
    messagesToOpenAiChat(
      { max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarize.' }, document] }] },
      'gpt',
      'openai',
    );

  it.each<[string, Json, Json[]]>([
    [
      'a base64 PDF: a file part titled by the document',
      { type: 'document', title: 'Q3', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
      [{ type: 'file', file: { filename: 'Q3', file_data: `data:application/pdf;base64,${PDF}` } }],
    ],
    [
      'a base64 PDF without a title, with context first',
      { type: 'document', context: 'From finance.', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
      [
        { type: 'text', text: 'From finance.' },
        { type: 'file', file: { filename: 'document.pdf', file_data: `data:application/pdf;base64,${PDF}` } },
      ],
    ],
    [
      'content blocks: text and image parts',
      {
        type: 'document',
        source: {
          type: 'content',
          content: [
            { type: 'text', text: 'Page one.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
          ],
        },
      },
      [
        { type: 'text', text: 'Page one.' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBO' } },
      ],
    ],
  ])('maps %s', (_name, document, expected) => {
    expect((chat(document).messages as Json[])[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Summarize.' }, ...expected] });
  });

  it('maps a plain-text document to text, joined with the other text of the turn', () => {
    const document = { type: 'document', title: 'Minutes', source: { type: 'text', media_type: 'text/plain', data: 'Approved.' } };
    expect((chat(document).messages as Json[])[0]).toEqual({ role: 'user', content: 'Summarize.\n\nMinutes\n\nApproved.' });
  });

  it('reaches Gemini as inline data through the chat translation', () => {
    const document = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } };
    const gemini = chatToGemini(chat(document), 'gemini-2.5-flash');
    expect((gemini.contents as Json[])[0]).toEqual({
      role: 'user',
      parts: [{ text: 'Summarize.' }, { inlineData: { mimeType: 'application/pdf', data: PDF } }],
    });
  });
});

describe('structured outputs from Anthropic clients → response_format', () => {
  const SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
  const translate = (extra: Json) =>
    messagesToOpenAiChat({ max_tokens: 10, messages: [{ role: 'user', content: 'x' }], ...extra }, 'gpt', 'openai');

  it.each<[string, Json]>([
    ['output_config.format', { output_config: { format: { type: 'json_schema', schema: SCHEMA } } }],
    ['the beta output_format', { output_format: { type: 'json_schema', schema: SCHEMA } }],
  ])('maps %s to a strict JSON schema', (_name, extra) => {
    expect(translate(extra).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: SCHEMA, strict: true },
    });
  });

  it.each<[string, Json, string]>([
    ['another output_config setting', { output_config: { task_budget: 1000 } }, '"output_config.task_budget"'],
    ['another format type', { output_config: { format: { type: 'regex' } } }, 'output format of type "regex"'],
  ])('refuses %s with a 400 naming it', (_name, extra, named) => {
    expect(refusal(() => translate(extra))).toContain(named);
  });
});
