#!/usr/bin/env node
// `npm run build:client`: bundles the typed client (src/client → public/client.js: readable ESM that the
// Node tests and other pages import) and the demo chat (src/app → public/app.js: Preact and the client
// included, minified). Both outputs are committed so a fresh checkout serves and deploys as is.
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

const common = { bundle: true, format: "esm", target: "es2022", logLevel: "warning" };

await Promise.all([
  build({
    ...common,
    entryPoints: ["src/client/index.ts"],
    outfile: "public/client.js",
    banner: { js: "// Generated from src/client by npm run build:client. Do not edit." },
  }),
  build({
    ...common,
    entryPoints: ["src/app/main.tsx"],
    outfile: "public/app.js",
    tsconfig: "src/app/tsconfig.json",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    legalComments: "none",
    banner: {
      js: "// Generated from src/app by npm run build:client. Do not edit.\n// Includes Preact (MIT License, Copyright (c) 2015-present Jason Miller).",
    },
  }),
]);

// The client bundle stays readable and in the repository's format.
const format = spawnSync("npx", ["biome", "check", "--write", "public/client.js"], { stdio: "inherit" });
process.exit(format.status ?? 1);
