'use client';

/**
 * Self-hosted Monaco: the editor core with its contributions, TypeScript only (no other
 * languages), and its workers from this origin. Imported only by CodeEditor.tsx, which the
 * exercise panel loads with next/dynamic, so none of this reaches the home page or /sandbox.
 *
 * monaco-editor 0.57's exports map is `./* → ./esm/vs/*.js`. monacoCore.ts is the editor with
 * all its features but no language; TypeScript is added alone, and its defaults live on the
 * language's own module (`monaco.typescript` in the full bundle).
 */
import { loader } from '@monaco-editor/react';
import * as editorApi from './monacoCore';
import 'monaco-editor/languages/definitions/typescript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';

type WorkerEnv = { getWorker(workerId: string, label: string): Worker };

(self as unknown as { MonacoEnvironment: WorkerEnv }).MonacoEnvironment = {
  getWorker(_workerId, label) {
    // `new Worker(new URL(..., import.meta.url))` is the pattern both webpack and Turbopack
    // turn into a separate worker chunk served from this origin.
    if (label === 'typescript' || label === 'javascript') {
      return new Worker(new URL('monaco-editor/language/typescript/ts.worker', import.meta.url), {
        type: 'module',
        name: 'ts.worker',
      });
    }
    return new Worker(new URL('monaco-editor/editor/editor.worker', import.meta.url), {
      type: 'module',
      name: 'editor.worker',
    });
  },
};

export const monaco = { ...editorApi, typescript };
export type Monaco = typeof monaco;

// Learner code runs in a sandbox with no DOM: offer only the ES library, and check strictly.
typescript.typescriptDefaults.setCompilerOptions({
  target: typescript.ScriptTarget.ES2020,
  module: typescript.ModuleKind.ESNext,
  moduleResolution: typescript.ModuleResolutionKind.NodeJs,
  lib: ['es2022'],
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  isolatedModules: true,
});
typescript.typescriptDefaults.setEagerModelSync(true);

// Without this, @monaco-editor/react fetches Monaco from a CDN.
loader.config({ monaco: monaco as unknown as Parameters<typeof loader.config>[0]['monaco'] });
