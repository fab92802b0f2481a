export { createServer, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IMAGES, type ServerOptions } from './server.ts';
export { serveCommand } from './command.ts';
