// Bundles the medic CLI into dist/ with esbuild: one file to load, so the command starts fast.
// The AWS SDK adapter is a separate chunk, loaded only with --aws or --live.
import { build } from 'esbuild';

await build({
  entryPoints: { medic: 'cli/medic.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // Some CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __medicRequire } from 'node:module'; const require = __medicRequire(import.meta.url);" },
});
