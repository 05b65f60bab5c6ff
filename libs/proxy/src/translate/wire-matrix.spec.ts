import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderType } from '@allot/contracts';
import type { UpstreamOperation } from '../adapters/provider-adapter';
import { wireSupport, type WireSupport } from './translations';

/** The README's "which wire reaches which provider" table must say what the code does, cell by cell. */
describe('README wire × provider matrix', () => {
  const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| client wire ↓ / provider → |'));
  const rows = table
    .split('\n')
    .map((line) => line.trim())
    .filter((line, i, all) => line.startsWith('|') && all.slice(0, i).every((l) => l.startsWith('|')))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const providers: Record<string, ProviderType> = {
    OpenAI: 'openai',
    'Azure OpenAI': 'azure-openai',
    'OpenAI-compatible': 'openai-compatible',
    Anthropic: 'anthropic',
    Gemini: 'gemini',
  };
  const wires: Record<string, UpstreamOperation> = {
    'chat completions': 'chat',
    embeddings: 'embeddings',
    'responses (+ compact, stored)': 'responses',
    'anthropic messages': 'messages',
  };
  const meaning = (cell: string): WireSupport => (cell === 'native' ? 'native' : cell === 'translated' ? 'translated' : 'none');

  it('has a row per wire and a column per provider type', () => {
    const [header, , ...body] = rows;
    expect(header!.slice(1)).toEqual(Object.keys(providers));
    expect(body.map((r) => r[0])).toEqual(Object.keys(wires));
  });

  it('matches the adapters and translations', () => {
    const [header, , ...body] = rows;
    const claimed = body.flatMap((row) => row.slice(1).map((cell, i) => `${row[0]} → ${header![i + 1]}: ${meaning(cell)}`));
    const actual = body.flatMap((row) =>
      header!.slice(1).map((provider) => `${row[0]} → ${provider}: ${wireSupport(wires[row[0]!]!, providers[provider]!)}`),
    );
    expect(claimed).toEqual(actual);
  });
});
