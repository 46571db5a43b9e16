import type { AddressInfo } from 'node:net';
import { createStaticServer } from './serveStatic.mjs';

/** The static server on a free local port, for tests: its base URL and how to stop it. */
export async function serveForTest(root: string): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createStaticServer({ root });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
