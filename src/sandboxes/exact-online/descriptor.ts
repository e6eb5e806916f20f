import type { SandboxDescriptor } from '../types.js';
import { buildExactSandbox } from './server.js';

/** `koppel sandbox exact-online`: the local Exact Online API. */
export const exactOnlineSandbox: SandboxDescriptor = {
  name: 'exact-online',
  title: 'Exact Online',
  defaultPort: 4010,
  async start(options) {
    const { app } = buildExactSandbox({ clock: options.clock, seed: options.seed });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    return { url: `http://${options.host}:${port}`, close: () => app.close() };
  },
};
