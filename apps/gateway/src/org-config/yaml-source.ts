import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ORG_CONFIG_SCHEMA, type OrgConfig } from './org-config.schema';

/** A problem in the file, with its position when the YAML node could be found. */
export interface SourceProblem {
  line?: number;
  column?: number;
  path: string;
  message: string;
}

export class OrgConfigInvalid extends Error {
  constructor(
    readonly file: string,
    readonly problems: SourceProblem[],
  ) {
    super(`${file} is invalid; nothing was applied:\n${problems.map((p) => `  ${formatProblem(file, p)}`).join('\n')}`);
    this.name = 'OrgConfigInvalid';
  }
}

export function formatProblem(file: string, p: SourceProblem): string {
  const where = p.line ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** A parsed file that can still locate any path in its source text. */
export class OrgConfigSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly config: OrgConfig,
  ) {}

  /** Parses and validates; throws `OrgConfigInvalid` listing every problem with its line. */
  static parse(file: string, text: string): OrgConfigSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const syntax = [...doc.errors, ...doc.warnings];
    if (syntax.length > 0) {
      throw new OrgConfigInvalid(
        file,
        syntax.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return { line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0]! };
        }),
      );
    }
    const result = ORG_CONFIG_SCHEMA.safeParse(doc.toJS() ?? {});
    const probe = new OrgConfigSource(file, doc, lines, undefined as unknown as OrgConfig);
    if (!result.success)
      throw new OrgConfigInvalid(
        file,
        result.error.issues.map((issue) => probe.problemFor(issue)),
      );
    return new OrgConfigSource(file, doc, lines, result.data);
  }

  /** A problem located at `path` (the nearest existing node when the path itself is missing). */
  problemAt(path: (string | number)[], message: string): SourceProblem {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { line: pos.line, column: pos.col, path: formatPath(path), message };
      }
    }
    return { path: formatPath(path), message };
  }

  private problemFor(issue: z.core.$ZodIssue): SourceProblem {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      // Point at the unknown key itself rather than at its parent object.
      const key = issue.keys[0]!;
      return this.problemAt([...path, key], `unknown field "${issue.keys.join('", "')}"`);
    }
    return this.problemAt(path, issue.message);
  }
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
