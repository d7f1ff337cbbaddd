// Compiles bench/src (TypeScript) to dist/bench/src with the project's swc setup (.swcrc and the
// @platform/* path aliases of tsconfig.base.json), exactly as scripts/build.mjs does for apps/ and
// libs/: `@platform/event-store` becomes a relative require of dist/libs/event-store/src.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(await readFile(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(await readFile(path.join(root, 'tsconfig.base.json'), 'utf8'));

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const files = [];
for await (const file of sources(path.join(root, 'bench', 'src'))) files.push(file);
await Promise.all(
  files.map(async (file) => {
    const relative = path.relative(root, file);
    const { code } = await swc.transformFile(file, {
      ...swcrc,
      swcrc: false,
      sourceMaps: false,
      filename: relative,
      jsc: { ...swcrc.jsc, baseUrl: root, paths: compilerOptions.paths },
    });
    const target = path.join(root, 'dist', relative.replace(/\.ts$/, '.js'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, code);
  }),
);
console.log(`bench: built ${files.length} files into dist/bench/`);
