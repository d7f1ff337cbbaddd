// kubernetes-models, its @kubernetes-models/* packages and two of their dependencies (is-cidr,
// cidr-regex) are published as ES modules only: their `exports` have just the `import` condition,
// which Jest's CommonJS resolution does not use. Those packages (only) are resolved with it;
// jest.config.cjs compiles them to CommonJS.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+|is-cidr|cidr-regex)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ['import', 'default'] } : options,
  );
