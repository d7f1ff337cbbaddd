import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const root = path.resolve(__dirname, '../../..');
export const k8s = path.join(root, 'deploy/k8s');

/** A rendered Kubernetes object, before validation: only its type meta is assumed. */
export interface RawObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/** `kind/name` (with the namespace when there is one): how every failure names an object. */
export const idOf = (object: RawObject): string =>
  `${object.kind}/${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;

/** Every object of a multi-document YAML text; a document that is not an object fails. */
export function parseObjects(text: string, source: string): RawObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]?.message}`);
      return document.toJS() as unknown;
    })
    .filter((value) => value !== null)
    .map((value, index) => {
      const object = value as Partial<RawObject> | undefined;
      if (
        typeof object?.apiVersion !== 'string' ||
        typeof object.kind !== 'string' ||
        !object.metadata?.name
      ) {
        throw new Error(`${source}: document ${index} has no apiVersion, kind and metadata.name`);
      }
      return object as RawObject;
    });
}

/**
 * `kustomize build <dir>` with the binary that `deploy/k8s/kustomize.sh ensure` built (the test
 * target runs it first), parsed into objects.
 */
export function kustomizeBuild(dir: string): RawObject[] {
  const binary = execFileSync('bash', [path.join(root, 'deploy/k8s/kustomize.sh'), 'path'], {
    encoding: 'utf8',
  }).trim();
  const output = execFileSync(binary, ['build', dir], { encoding: 'utf8', cwd: root });
  return parseObjects(output, `kustomize build ${path.relative(root, dir)}`);
}

/** A kustomization under the git-ignored .local/ that adds `component` to `overlay`. */
function withComponent(overlay: string, component: string): string {
  const dir = path.join(root, '.local/k8s-render', `${overlay}+${component}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `resources: [${path.relative(dir, path.join(k8s, 'overlays', overlay))}]`,
      `components: [${path.relative(dir, path.join(k8s, 'components', component))}]`,
      '',
    ].join('\n'),
  );
  return dir;
}

/** Every rendering of deploy/k8s: the base, each overlay, and prod with the optional component. */
export const renderings: readonly { readonly name: string; readonly dir: string }[] = [
  { name: 'base', dir: path.join(k8s, 'base') },
  { name: 'overlays/dev', dir: path.join(k8s, 'overlays/dev') },
  { name: 'overlays/prod', dir: path.join(k8s, 'overlays/prod') },
  {
    name: 'overlays/prod + components/kafka-lag-autoscaling',
    dir: withComponent('prod', 'kafka-lag-autoscaling'),
  },
];
