// Types for earlyEngineThread.mjs (plain JavaScript, run by `npm run build` without a compile step).
export declare const ENGINE_THREAD_NAME: string;
export declare const ENGINE_THREAD_META: string;
export declare function findEngineThread(chunks: Array<{ name: string; text: string }>): { url: string; files: string[] } | null;
export declare function withEngineThreadMeta(html: string, url: string): string;
export declare function writeEngineThreadUrl(root: string): Promise<{ pages: string[]; url: string | null }>;
