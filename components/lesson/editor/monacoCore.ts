/**
 * Monaco's editor with every editor feature (suggest, hover, find, code lens, inlay hints…)
 * but none of the ~80 language registrations, the CSS/HTML/JSON services or the LSP client
 * that `monaco-editor/editor/editor.main` also pulls in. `features/register.all` is the
 * package's own list of editor features (monaco-editor ≥ 0.56).
 */
import 'monaco-editor/features/register.all';
export * from 'monaco-editor/editor/editor.api';
