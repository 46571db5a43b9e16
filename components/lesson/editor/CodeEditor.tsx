'use client';

import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { CodeDiagnostic } from '@/lessons/types';
import { editorHeight } from './editorHeight';
import { monaco } from './monacoSetup';

type Standalone = Parameters<OnMount>[0];

export interface CodeEditorProps {
  /** Model URIs are `file:///<lesson>/<exercise>/<file>`, so files of one exercise see each other. */
  lessonId: string;
  exerciseId: string;
  file: string;
  value: string;
  readOnly: boolean;
  /** TypeScript declarations of the API the learner's code sees. */
  apiDeclarations: string;
  /** Compile diagnostics from the lesson engine, for every file of the exercise. */
  diagnostics: CodeDiagnostic[];
  /** Every file of the exercise with its current text (so imports between tabs type-check). */
  files: Array<{ name: string; value: string }>;
  onChange(file: string, value: string): void;
  /** Ctrl/Cmd+Enter. */
  onRun?(): void;
  height?: number;
}

export const modelUri = (lessonId: string, exerciseId: string, file: string) =>
  monaco.Uri.parse(`file:///${encodeURIComponent(lessonId)}/${encodeURIComponent(exerciseId)}/${encodeURIComponent(file)}`);

// Lets tests (and support) read what the editor holds without scraping Monaco's DOM.
if (typeof window !== 'undefined') {
  (window as unknown as { __lessonEditorText: (l: string, e: string, f: string) => string | null }).__lessonEditorText = (l, e, f) =>
    monaco.editor.getModel(modelUri(l, e, f))?.getValue() ?? null;
}

/** What the learner sandbox (lessons/runtime/prelude.ts) offers besides the ES library. */
const SANDBOX_GLOBALS = `/** Logs to the exercise's console, tagged with virtual time. */
declare var console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  debug(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
};
`;

/** The one exercise whose API declarations the TypeScript service currently sees. */
let activeLib: string | null = null;
function makeLibActivator(lessonId: string, exerciseId: string, decls: string) {
  return () => {
    const key = `${lessonId}/${exerciseId}`;
    if (activeLib === key) return;
    activeLib = key;
    // Several exercises on one page may declare the same globals: only the focused one's apply.
    monaco.typescript.typescriptDefaults.setExtraLibs([
      { content: SANDBOX_GLOBALS, filePath: 'file:///__api__/sandbox-globals.d.ts' },
      { content: decls, filePath: `file:///__api__/${encodeURIComponent(lessonId)}/${encodeURIComponent(exerciseId)}.d.ts` },
    ]);
  };
}

/**
 * Monaco for one exercise: a model per file, the exercise's API as an extra lib, and the
 * lesson engine's compile diagnostics as markers (owner 'lesson').
 */
export default function CodeEditor(props: CodeEditorProps) {
  const { lessonId, exerciseId, file, value, readOnly, apiDeclarations, diagnostics, files, onChange, onRun } = props;
  const editorRef = useRef<Standalone | null>(null);
  const onRunRef = useRef(onRun);
  onRunRef.current = onRun;
  const activateLib = makeLibActivator(lessonId, exerciseId, apiDeclarations);

  // Models for the other tabs exist too, so `import { x } from './helpers'` resolves.
  useEffect(() => {
    for (const f of files) {
      const uri = modelUri(lessonId, exerciseId, f.name);
      const model = monaco.editor.getModel(uri);
      if (!model) monaco.editor.createModel(f.value, 'typescript', uri);
      else if (f.name !== file && model.getValue() !== f.value) model.setValue(f.value);
    }
  }, [files, file, lessonId, exerciseId]);

  useEffect(() => {
    for (const f of files) {
      const model = monaco.editor.getModel(modelUri(lessonId, exerciseId, f.name));
      if (!model) continue;
      const markers = diagnostics
        .filter((d) => d.file === f.name)
        .map((d) => {
          const line = Math.min(Math.max(1, d.line), model.getLineCount());
          const col = Math.max(1, d.column);
          const word = model.getWordAtPosition({ lineNumber: line, column: col });
          return {
            severity: monaco.MarkerSeverity.Error,
            message: d.message,
            startLineNumber: line,
            startColumn: col,
            endLineNumber: line,
            endColumn: word ? word.endColumn : Math.max(col + 1, model.getLineMaxColumn(line)),
            source: 'compile',
          };
        });
      monaco.editor.setModelMarkers(model, 'lesson', markers);
    }
  }, [diagnostics, files, lessonId, exerciseId]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  return (
    <Editor
      height={props.height ?? editorHeight(files)}
      path={modelUri(lessonId, exerciseId, file).toString()}
      defaultLanguage="typescript"
      value={value}
      theme="vs"
      loading={null}
      onChange={(v) => onChange(file, v ?? '')}
      onMount={(editor) => {
        editorRef.current = editor;
        activateLib();
        editor.onDidFocusEditorText(activateLib);
        editor.addAction({
          id: 'lesson.run',
          label: 'Run the exercise',
          keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
          run: () => onRunRef.current?.(),
        });
      }}
      options={{
        readOnly,
        ariaLabel: `${file}: code editor${readOnly ? ' (read-only)' : ''}`,
        minimap: { enabled: false },
        fontSize: 14,
        lineNumbersMinChars: 3,
        scrollBeyondLastLine: false,
        tabSize: 2,
        automaticLayout: true,
        fixedOverflowWidgets: true,
        renderLineHighlight: 'line',
        padding: { top: 8, bottom: 8 },
        'semanticHighlighting.enabled': true,
      }}
    />
  );
}
