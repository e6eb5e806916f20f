import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { KoppelError } from '../core/errors.js';
import { invalidWorkspaceError, type WorkspaceError } from './workspace-errors.js';

export type ParseResult = { ok: true; document: unknown } | { ok: false; errors: WorkspaceError[] };

/**
 * Parse a workspace file's text: YAML, of which JSON is a subset. A syntax error is reported by
 * position and by the parser's first sentence only: the parser would quote the offending line,
 * and that line may hold a secret someone pasted where a reference belongs.
 */
export function parseWorkspaceText(text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return { path: `line ${at.line}, column ${at.col}`, reason: e.message.split('\n')[0] ?? e.code };
      }),
    };
  }
  return { ok: true, document: doc.toJS() as unknown };
}

/** Read and parse a workspace file; a missing file is `not_found`, bad syntax `workspace.invalid`. */
export async function readWorkspaceFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new KoppelError(
      `Cannot read workspace file ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        code: 'workspace.unreadable',
        kind: (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'not_found' : 'invalid',
        cause,
      },
    );
  }
  const parsed = parseWorkspaceText(text);
  if (!parsed.ok) throw invalidWorkspaceError(parsed.errors, file);
  return parsed.document;
}
