// esbuild options shared by the compiled Node processes (scripts/build-server.mjs) and the `plumbline`
// command's bundle (scripts/build-cli.mjs): ESM for Node 20, one bundle of our code with a chunk per
// lazy import, packages left to node_modules.
import path from "node:path";

export function nodeBundleOptions(root) {
  return {
    absWorkingDir: root,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  };
}
