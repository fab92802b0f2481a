#!/usr/bin/env node
// The toolkit ships TypeScript sources; tsx compiles them on the fly so `npx letters` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
