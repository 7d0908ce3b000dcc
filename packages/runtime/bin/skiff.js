#!/usr/bin/env node
// The `skiff` command. Skiff runs on Node 24 (the project installs it as the `node`
// devDependency, which npm scripts and npx put first on PATH); say so plainly on older ones.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`skiff needs Node.js 24 or newer (this is ${process.version}); run it as \`npx skiff\` or through \`npm run\`, which use the project's own Node 24.\n`);
  process.exit(1);
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
