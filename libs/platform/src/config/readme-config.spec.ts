import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_SCHEMA } from './config.schema';

describe('README configuration table', () => {
  it('should document every environment variable the config reads, and no other', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Database'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(ENV_SCHEMA.shape).sort());
  });
});
