import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EARLY_START_GLOBAL, EARLY_START_SCRIPT, ENGINE_THREAD_META, type EarlyStartHandles, type PgliteAssetsMessage } from './pgliteAssets';

/** A worker that keeps what it is sent; `refuseModules` throws as a browser that cannot clone a compiled module would. */
class FakeWorker {
  static created: FakeWorker[] = [];
  readonly sent: PgliteAssetsMessage[] = [];
  constructor(
    readonly url: string,
    readonly options: { name?: string },
    private readonly refuseModules = false,
  ) {
    FakeWorker.created.push(this);
  }
  postMessage(m: PgliteAssetsMessage): void {
    if (this.refuseModules && m.assets.wasmModule) throw new Error('DataCloneError');
    this.sent.push(m);
  }
}

/** Runs the early-start script as the HTML parser would, in a window with the given meta and server. */
function runEarlyStart(opts: { threadUrl?: string; missing?: string[] } = {}) {
  FakeWorker.created = [];
  const compiled = { compiled: 'pglite.wasm' };
  const window: Record<string, unknown> = {};
  const context = vm.createContext({
    window,
    Worker: FakeWorker,
    Promise,
    Error,
    document: {
      querySelector: (selector: string) =>
        selector === `meta[name="${ENGINE_THREAD_META}"]` && opts.threadUrl ? { getAttribute: (a: string) => (a === 'content' ? opts.threadUrl : null) } : null,
    },
    fetch: async (url: string) => {
      const file = url.split('/').pop()!;
      const ok = !opts.missing?.includes(file);
      return {
        ok,
        status: ok ? 200 : 404,
        headers: { get: () => (file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream') },
        blob: async () => ({ blobOf: file }),
        arrayBuffer: async () => new ArrayBuffer(8),
      };
    },
    WebAssembly: { compileStreaming: async () => compiled, compile: async () => compiled },
  });
  vm.runInContext(EARLY_START_SCRIPT, context);
  return { handles: window[EARLY_START_GLOBAL] as EarlyStartHandles | undefined, compiled };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the early-start script', () => {
  it('with the build’s meta, starts the engine thread at its URL and hands it the compiled module and both files', async () => {
    const { handles, compiled } = runEarlyStart({ threadUrl: '/_next/static/chunks/turbopack-worker.js#params=x' });
    expect(FakeWorker.created).toHaveLength(1);
    const thread = FakeWorker.created[0]!;
    expect(handles!.thread).toBe(thread);
    expect(thread.url).toBe('/_next/static/chunks/turbopack-worker.js#params=x');
    expect(thread.options.name).toBe('sandbox.engine');
    await settle();
    expect(thread.sent).toEqual([{ type: 'pglite-assets', assets: { wasmModule: compiled, fsBundle: { blobOf: 'pglite.data' }, dataDirGz: { blobOf: 'datadir.tgz' } } }]);
  });

  it('without the meta (next dev) starts no thread and hands the assets to the one the page gives it', async () => {
    const { handles, compiled } = runEarlyStart();
    expect(FakeWorker.created).toHaveLength(0);
    expect(handles!.thread).toBeUndefined();
    const pageThread = new FakeWorker('/bundled.js', {});
    handles!.handOver(pageThread as unknown as Worker);
    await settle();
    expect(pageThread.sent).toEqual([{ type: 'pglite-assets', assets: { wasmModule: compiled, fsBundle: { blobOf: 'pglite.data' }, dataDirGz: { blobOf: 'datadir.tgz' } } }]);
  });

  it('leaves out what could not be fetched or sent: the thread fetches and compiles that itself', async () => {
    const { handles } = runEarlyStart({ missing: ['pglite.wasm', 'datadir.tgz'] });
    const thread = new FakeWorker('/bundled.js', {});
    handles!.handOver(thread as unknown as Worker);
    await settle();
    expect(thread.sent).toEqual([{ type: 'pglite-assets', assets: { fsBundle: { blobOf: 'pglite.data' } } }]);

    const again = runEarlyStart();
    const refusing = new FakeWorker('/bundled.js', {}, true);
    again.handles!.handOver(refusing as unknown as Worker);
    await settle();
    expect(refusing.sent).toEqual([{ type: 'pglite-assets', assets: { fsBundle: { blobOf: 'pglite.data' }, dataDirGz: { blobOf: 'datadir.tgz' } } }]);
  });
});
