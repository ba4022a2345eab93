// Benchmark 1: the size of every function bundle as deployed (serverless.yml's esbuild
// options), minified code only (source maps are reported apart and excluded from the budget),
// with the ten largest contributors from esbuild's metafile so that a miss can be explained.
// Also the code a cold start loads before the handler runs (the entry file and the chunks it
// reaches through static imports), the SDK clients each bundle holds, and whether anything
// browser-only (bowser) was bundled.
import { runAsScript } from './lib/common.mjs';
import { bundleForDeploy, readDeployConfig } from './lib/deploy-bundle.mjs';

export const FUNCTIONS = ['alarm', 'monitoring', 'endpoint-state'];
export const BUNDLE_BUDGET_BYTES = 400 * 1024;
/** Issue 14: what a cold start loads (entry + static imports), per function. */
export const COLD_LOAD_BUDGET_BYTES = 150 * 1024;

export async function run() {
  const deploy = readDeployConfig();
  const bundles = [];
  for (const name of FUNCTIONS) {
    const started = performance.now();
    try {
      const bundle = await bundleForDeploy(`functions/${name}.ts`, name, deploy);
      bundles.push({
        function: name,
        file: bundle.file,
        bytes: bundle.codeBytes,
        // With esbuild splitting: the file a cold start imports first (the rest are chunks loaded on demand).
        entryBytes: bundle.entryBytes,
        mapBytes: bundle.mapBytes,
        files: bundle.files,
        budgetBytes: BUNDLE_BUDGET_BYTES,
        pass: bundle.codeBytes <= BUNDLE_BUDGET_BYTES,
        top: bundle.contributors.slice(0, 10),
        coldBytes: bundle.coldBytes,
        coldFiles: bundle.coldFiles,
        coldBudgetBytes: COLD_LOAD_BUDGET_BYTES,
        coldPass: bundle.coldBytes <= COLD_LOAD_BUDGET_BYTES,
        coldTop: bundle.coldContributors.slice(0, 10),
        clients: bundle.clients,
        browserOnly: bundle.browserOnly,
        buildMs: performance.now() - started,
      });
    } catch (error) {
      bundles.push({
        function: name,
        error: String(error?.message ?? error)
          .split('\n')
          .slice(0, 6)
          .join('\n'),
      });
    }
  }
  return {
    benchmark: 'bundle-size',
    options: { source: deploy.source, esbuild: deploy.options, ignoredPluginKeys: deploy.ignored, extension: deploy.outputExtension },
    bundles,
  };
}

await runAsScript(import.meta.url, run);
