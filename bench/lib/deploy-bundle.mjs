// Bundles a Lambda entry exactly as it is deployed: the esbuild options come from
// serverless.yml `custom.esbuild` (what serverless-esbuild hands to esbuild), falling back
// to the documented deploy defaults when the file or the section is missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { ROOT, TMP } from './common.mjs';

/** The deploy defaults the issue names, used only if serverless.yml says nothing. */
const FALLBACK = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  treeShaking: true,
  sourcemap: 'external',
  external: [],
};

/** Options of serverless-esbuild that are esbuild options, passed through as they are. */
const ESBUILD_KEYS = new Set([
  'bundle',
  'format',
  'platform',
  'target',
  'minify',
  'minifyWhitespace',
  'minifyIdentifiers',
  'minifySyntax',
  'treeShaking',
  'sourcemap',
  'sourcesContent',
  'sourceRoot',
  'mainFields',
  'conditions',
  'banner',
  'footer',
  'external',
  'define',
  'loader',
  'keepNames',
  'legalComments',
  'inject',
  'alias',
  'tsconfig',
  'charset',
  'supported',
  'drop',
  'pure',
  'resolveExtensions',
  'packages',
  'splitting',
  'ignoreAnnotations',
  'jsx',
]);

export function readDeployConfig(root = ROOT) {
  const file = join(root, 'serverless.yml');
  let doc;
  if (existsSync(file)) {
    try {
      // CloudFormation tags (!Ref, !Sub) are unknown to a plain YAML parser: read as values, silently.
      doc = parse(readFileSync(file, 'utf8'), { logLevel: 'silent' });
    } catch {
      doc = undefined;
    }
  }
  const custom = doc?.custom?.esbuild;
  const options = {};
  const ignored = [];
  for (const [key, value] of Object.entries(custom ?? FALLBACK)) {
    if (ESBUILD_KEYS.has(key)) options[key] = value;
    else ignored.push(key);
  }
  // serverless-esbuild's `exclude` (default: the AWS SDK) marks packages external; [] bundles everything.
  const exclude = Array.isArray(custom?.exclude) ? custom.exclude : [];
  if (exclude.length > 0 && !exclude.includes('*')) options.external = [...(options.external ?? []), ...exclude];
  const ext = String(custom?.outputFileExtension ?? '.mjs');
  const environment = doc?.provider?.environment ?? {};
  return {
    source: custom ? 'serverless.yml custom.esbuild' : 'defaults (serverless.yml has no custom.esbuild)',
    options,
    ignored,
    // `${param:bundleExtension}` is .mjs on every deployed stage.
    outputExtension: ext.startsWith('.') && !ext.includes('$') ? ext : '.mjs',
    nodeOptions: typeof environment.NODE_OPTIONS === 'string' ? environment.NODE_OPTIONS : '',
    runtime: doc?.provider?.runtime ?? 'unknown',
    environment,
  };
}

/**
 * Bundles `entry` (relative to `root`, by default this repository) into bench/.tmp/deploy/<name>/
 * with the deploy options. Returns sizes (code only, and the source map apart) and the largest
 * contributors. `root` may be a scratch copy of the tree, to measure a proposed change.
 */
export async function bundleForDeploy(entry, name, deploy = readDeployConfig(), overrides = {}, root = ROOT) {
  const outdir = join(TMP, 'deploy', name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const options = { ...deploy.options, ...overrides };
  const outfile = join(outdir, `${name}${deploy.outputExtension}`);
  const result = await build({
    ...options,
    entryPoints: [resolve(root, entry)],
    ...(options.splitting ? { outdir, outExtension: { '.js': deploy.outputExtension } } : { outfile }),
    metafile: true,
    absWorkingDir: root,
    logLevel: 'error',
  });
  let entryFile = outfile;
  let codeBytes = 0;
  let mapBytes = 0;
  let entryBytes = 0;
  const inputs = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (path.endsWith('.map')) {
      mapBytes += output.bytes;
      continue;
    }
    codeBytes += output.bytes;
    // With splitting, every dynamic import is an entry point too: the function's is the one we asked for.
    if (output.entryPoint && resolve(root, output.entryPoint) === resolve(root, entry)) {
      entryBytes = output.bytes;
      entryFile = resolve(root, path);
    }
    for (const [input, info] of Object.entries(output.inputs)) {
      inputs[input] = (inputs[input] ?? 0) + info.bytesInOutput;
    }
  }
  // The runbook is packaged next to every bundle (package.patterns) and read from LAMBDA_TASK_ROOT
  // (runbook.yml, and whatever else a build step puts next to it, e.g. a precompiled runbook).
  for (const file of readdirSync(root)) {
    if (/^runbook\b.*\.(ya?ml|json)$/.test(file)) copyFileSync(join(root, file), join(outdir, file));
  }
  // As `osls package` does (scripts/osls-compile-runbook.mjs): the functions read the compiled
  // runbook (MEDIC_RUNBOOK_FILE=runbook.compiled.json), written by the medic command users run.
  const compiled = spawnSync(
    process.execPath,
    [join(root, 'bin', 'medic.js'), 'compile', 'runbook.yml', '--out', join(outdir, 'runbook.compiled.json')],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
    },
  );
  if (compiled.status !== 0) throw new Error(`medic compile failed (run npm run build first?): ${compiled.stderr || compiled.stdout}`);
  const cold = coldLoad(result.metafile, relative(root, entryFile));
  return {
    entry,
    file: relative(ROOT, entryFile),
    outdir,
    outfile: entryFile,
    codeBytes,
    entryBytes,
    mapBytes,
    files: Object.keys(result.metafile.outputs).filter((p) => !p.endsWith('.map')).length,
    // What a cold start loads before the handler runs: the entry and every chunk it reaches
    // through static imports (chunks reached only through import() load when an event needs them).
    coldBytes: cold.bytes,
    coldFiles: cold.files.length,
    coldContributors: contributors(cold.inputs),
    // Which SDK clients (shared/aws/clients/<service>.ts) and browser-only packages are in the bundle at all.
    clients: clientsIn(inputs),
    browserOnly: Object.keys(inputs).filter((i) => /node_modules\/bowser\//.test(i) && inputs[i] > 0).length > 0,
    contributors: contributors(inputs),
  };
}

/**
 * The output files a cold start loads: `entryPath` (as the metafile names it) and the transitive
 * closure of its static imports. Returns their bytes, their names and the bytes per input.
 */
export function coldLoad(metafile, entryPath) {
  const outputs = metafile.outputs;
  const seen = new Set([entryPath]);
  const stack = [entryPath];
  while (stack.length > 0) {
    const path = stack.pop();
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external || seen.has(imported.path)) continue;
      seen.add(imported.path);
      stack.push(imported.path);
    }
  }
  let bytes = 0;
  const inputs = {};
  for (const path of seen) {
    const output = outputs[path];
    if (!output) throw new Error(`metafile has no output ${path}`);
    bytes += output.bytes;
    for (const [input, info] of Object.entries(output.inputs)) inputs[input] = (inputs[input] ?? 0) + info.bytesInOutput;
  }
  return { bytes, files: [...seen], inputs };
}

/** The services whose client module (shared/aws/clients/<service>.ts) made it into the bundle. */
function clientsIn(inputs) {
  return Object.keys(inputs)
    .map((input) => /shared\/aws\/clients\/([a-z0-9-]+)\.ts$/.exec(input)?.[1])
    .filter(Boolean)
    .sort();
}

/** Bytes in the output per npm package (or per folder of our own code), largest first. */
function contributors(inputs) {
  const groups = new Map();
  for (const [input, bytes] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    const name = pkg ?? `(ours) ${input.split('/').slice(0, -1).join('/') || input}`;
    const group = groups.get(name) ?? { name, bytes: 0, files: 0, largestFile: '', largestBytes: 0 };
    group.bytes += bytes;
    if (bytes > 0) group.files += 1;
    if (bytes > group.largestBytes) {
      group.largestBytes = bytes;
      group.largestFile = pkg ? input.slice(input.indexOf(pkg) + pkg.length + 1) : input;
    }
    groups.set(name, group);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}
