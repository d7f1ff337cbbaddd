// The shared preset, plus what kubernetes-models needs: it is published as ES modules only, so Jest
// resolves it with the `import` condition (jest-resolver.cjs) and swc compiles those files to
// CommonJS like our own.
const fs = require('node:fs');
const path = require('node:path');
const preset = require('../../jest.preset.cjs')(__dirname);

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '../../.swcrc'), 'utf8'));

module.exports = {
  ...preset,
  transform: {
    ...preset.transform,
    '/node_modules/(kubernetes-models|@kubernetes-models/[^/]+|is-cidr|cidr-regex)/.+\\.js$': [
      '@swc/jest',
      { ...swcrc, swcrc: false },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(kubernetes-models|@kubernetes-models/[^/]+|is-cidr|cidr-regex)/)',
  ],
  resolver: path.join(__dirname, 'jest-resolver.cjs'),
};
