#!/usr/bin/env node
// The medic command. The TypeScript sources are bundled into dist/ by `npm run build`,
// which `npm ci` / `npm install` run through the `prepare` script.
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const bundle = new URL('../dist/medic.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('medic: dist/medic.js is missing: run `npm run build` (npm ci runs it for you)\n');
  process.exit(2);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
