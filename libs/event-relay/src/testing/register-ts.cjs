// Lets a child process of an integration test run this repo's TypeScript as it is (no build):
// `node -r <this file> script.ts`. Compiles each .ts file with swc (the repo's .swcrc) and rewrites
// the @platform/* path aliases, as jest and scripts/build.mjs do.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformFileSync(filename, {
    ...swcrc,
    swcrc: false,
    filename,
    sourceMaps: 'inline',
    jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
  });
  module._compile(code, filename);
};
