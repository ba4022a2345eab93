/**
 * Stands in for `bowser` in the Lambda bundles (serverless.yml custom.esbuild `alias`). The SDK's
 * browser user-agent provider (@aws-sdk/core, util-user-agent-browser) imports bowser lazily to
 * parse `window.navigator.userAgent`; on Node the SDK uses its Node provider and never calls it,
 * but esbuild bundles every `import()` it sees, so the real package (33 KB) sat in every zip.
 * Should the browser provider ever run, it gets what it gets without a user agent: nothing parsed.
 */
export function parse(_userAgent: string): Record<string, never> {
  return {};
}

export default { parse };
