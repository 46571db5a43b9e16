/**
 * Loads QuickJS once per page/process.
 *
 * Variant: `@jitl/quickjs-singlefile-cjs-release-sync` — the synchronous build (learner
 * functions are called synchronously from inside engine handlers, projections and
 * upcasters), with the wasm embedded in the JS module. One implementation serves the Node
 * tests, the headless grader and the browser: the bundler (webpack or Turbopack) sees an
 * ordinary CommonJS module, so there is no .wasm URL to rewrite, no file to copy to
 * public/ and nothing fetched from a CDN. Cost: ~840 KB of JS (≈ 300 KB gzip), loaded
 * lazily by the first sandbox.
 */
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';

let loading: Promise<QuickJSWASMModule> | null = null;

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  if (!loading) {
    loading = (async () => {
      const [{ newQuickJSWASMModuleFromVariant }, variantModule] = await Promise.all([
        import('quickjs-emscripten-core'),
        import('@jitl/quickjs-singlefile-cjs-release-sync'),
      ]);
      // CommonJS default export seen through ESM interop: `default` may be wrapped once more.
      const v = (variantModule as { default: unknown }).default as { default?: unknown; type?: string };
      const variant = (v && v.type ? v : v?.default) as Parameters<typeof newQuickJSWASMModuleFromVariant>[0];
      return newQuickJSWASMModuleFromVariant(variant);
    })();
    loading.catch(() => (loading = null));
  }
  return loading;
}

/**
 * Drops the loaded module so the next sandbox starts from a fresh wasm instance. Called
 * when disposing a sandbox failed (QuickJS can abort after an out-of-memory), so one
 * broken run never poisons the next.
 */
export function discardQuickJS(): void {
  loading = null;
}

/** Loads QuickJS now (a worker calls it when it starts, so the first grade does not wait for it). */
export async function preloadLessonRuntime(): Promise<void> {
  await loadQuickJS();
}
