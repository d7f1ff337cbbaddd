import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PUBLIC_ROUTES, type RouteAccess } from '@platform/contracts';
import { ACCESS_RULE, type AccessRule } from '@platform/tenancy';

/**
 * Every route the HTTP controllers declare must be in `PUBLIC_ROUTES` with the same access rule,
 * and every route in the table must exist: the tenancy matrix (generated from the table) then
 * cannot miss one. Controllers are found by file name (`*.http.controller.ts`), so a new controller
 * is checked without anyone adding it here. The gateway's control-plane pass-through (wildcards)
 * is left out: the registry's own controllers are what it forwards to.
 */
const root = path.resolve(__dirname, '../../..');
const DOCUMENTATION_PATHS = ['/openapi.json', '/docs'];
const SERVICES = ['gateway', 'query-service', 'tenant-registry'];
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

interface DeclaredRoute {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly access: RouteAccess | 'public' | 'authenticated' | 'none';
}

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(full);
    return entry.name.endsWith('.http.controller.ts') ? [full] : [];
  });
}

function accessOf(rule: AccessRule | undefined): DeclaredRoute['access'] {
  if (!rule) return 'none';
  switch (rule.scope) {
    case 'tenant':
      return rule.mode === 'read' ? 'tenant-read' : 'tenant-write';
    default:
      return rule.scope;
  }
}

function declaredRoutes(): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const service of SERVICES) {
    for (const file of controllerFiles(path.join(root, 'apps', service, 'src'))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- controllers are found by file name at run time
      const exported = require(file) as Record<string, unknown>;
      for (const value of Object.values(exported)) {
        if (typeof value !== 'function') continue;
        const controller = value as { prototype: Record<string, unknown> };
        const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
        if (base === undefined) continue;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = controller.prototype[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const methodIndex = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
          const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (methodIndex === undefined || sub === undefined) continue;
          const full = `/${[base, sub]
            .map((p) => p.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`;
          const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ??
            Reflect.getMetadata(ACCESS_RULE, controller)) as AccessRule | undefined;
          routes.push({
            service,
            method: METHODS[methodIndex] ?? String(methodIndex),
            path: full.replace(/:([A-Za-z]+)/g, '{$1}'),
            access: accessOf(rule),
          });
        }
      }
    }
  }
  return routes;
}

describe('public route table', () => {
  const declared = declaredRoutes();
  const own = declared.filter((route) => !route.path.includes('*') && route.method !== 'ALL');
  // Health and the API's own description (`/openapi.json`, `/docs`) are public and outside the table.
  const served = own.filter(
    (route) => !route.path.startsWith('/health') && !DOCUMENTATION_PATHS.includes(route.path),
  );

  it('finds the controllers', () => {
    expect(served.length).toBeGreaterThanOrEqual(PUBLIC_ROUTES.length);
  });

  it('lists every declared route with the access rule it declares', () => {
    const table = new Map(PUBLIC_ROUTES.map((r) => [`${r.method} ${r.path}`, r.access]));
    const problems = served
      .filter((route) => table.get(`${route.method} ${route.path}`) !== route.access)
      .map(
        (route) =>
          `${route.service}: ${route.method} ${route.path} declares ${route.access}, table says ${String(table.get(`${route.method} ${route.path}`))}`,
      );
    expect(problems).toEqual([]);
  });

  it('has no route in the table that no controller serves', () => {
    const served_ = new Set(served.map((r) => `${r.method} ${r.path}`));
    expect(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`).filter((key) => !served_.has(key))).toEqual([]);
  });
});
