// The @hocuspocus/server reference peer for load.mjs: defaults, in memory, no extensions.
// Usage: node hocuspocus-server.mjs <port>
import { Server } from '@hocuspocus/server';

const server = new Server({ port: Number(process.argv[2]), address: '127.0.0.1', quiet: true });
await server.listen();
console.log('listening');
