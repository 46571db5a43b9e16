import { transform } from 'sucrase';
import type { CodeDiagnostic } from '../types';

export interface TranspileResult {
  /** CommonJS JavaScript with the same line numbers as the source (sucrase keeps lines). */
  code: string;
  /** Empty when the file compiled. */
  diagnostics: CodeDiagnostic[];
}

/**
 * Strips the types from one learner file and turns its imports into `require` calls.
 * Syntax only: sucrase does not type-check (the editor's TypeScript worker does that).
 * Line numbers are preserved, so a runtime error's line is the learner's own line.
 */
export function transpile(file: string, source: string): TranspileResult {
  try {
    const out = transform(source, {
      transforms: ['typescript', 'imports'],
      filePath: file,
      // QuickJS speaks ES2023: keep optional chaining, class fields… as written.
      disableESTransforms: true,
      production: true,
    });
    return { code: out.code, diagnostics: [] };
  } catch (e) {
    const err = e as { message?: string; loc?: { line: number; column: number } };
    const raw = String(err.message ?? e);
    // "Error transforming saga.ts: Unexpected token (2:11)" → "Unexpected token"
    const message = raw.replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)\s*$/, '');
    return {
      code: '',
      diagnostics: [{ file, line: err.loc?.line ?? 1, column: err.loc?.column ?? 1, message }],
    };
  }
}

/** Transpiles every file of an exercise; diagnostics of all files together. */
export function transpileAll(files: Record<string, string>): { modules: Record<string, string>; diagnostics: CodeDiagnostic[] } {
  const modules: Record<string, string> = {};
  const diagnostics: CodeDiagnostic[] = [];
  for (const [name, source] of Object.entries(files)) {
    const r = transpile(name, source);
    modules[name] = r.code;
    diagnostics.push(...r.diagnostics);
  }
  return { modules, diagnostics };
}
