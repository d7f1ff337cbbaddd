import { readFileSync } from 'node:fs';
import path from 'node:path';
import { k8s, kustomizeBuild, parseObjects, renderings, type RawObject } from './kustomize';
import { describeProblems, schemaProblems } from './schema-check';

/** A type check of a whole rendering takes a few seconds on a busy 2-core box. */
const TYPE_CHECK_TIMEOUT_MS = 60_000;

const fixture = (name: string): RawObject[] =>
  parseObjects(readFileSync(path.join(__dirname, '../fixtures', name), 'utf8'), name);

describe('the Kubernetes OpenAPI schemas (kubernetes-models), offline', () => {
  it.each(renderings)(
    'accept every object of $name',
    async ({ dir }) => {
      const objects = kustomizeBuild(dir);
      expect(objects.length).toBeGreaterThan(0);
      expect(describeProblems(await schemaProblems(objects))).toEqual([]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );

  it('refuse a misspelled field, naming its path', async () => {
    expect(describeProblems(await schemaProblems(fixture('misspelled-field.yaml')))).toEqual([
      expect.stringMatching(
        /^Deployment\/misspelled: spec\.template\.spec\.containers\[0\]\.readinesProbe: .*'"?readinesProbe"?' does not exist in type 'IContainer'/,
      ),
    ]);
  });

  it('refuse wrong types, enums and quantities, and a kind they do not know', async () => {
    const problems = describeProblems(await schemaProblems(fixture('wrong-values.yaml')));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment\/wrong-values: .*replicas must be integer/),
        expect.stringMatching(
          /^Deployment\/wrong-values: .*imagePullPolicy must be equal to one of the allowed values/,
        ),
        expect.stringMatching(/^Deployment\/wrong-values: .*limits\/cpu must match format "quantity"/),
        'HorizontalPodAutoscaler/wrong-values: no schema for autoscaling/v3 HorizontalPodAutoscaler',
      ]),
    );
  });

  it(
    'refuse a misspelled field in a rendered Deployment of the platform',
    async () => {
      const [deployment] = kustomizeBuild(path.join(k8s, 'overlays/dev')).filter(
        (object) => object.kind === 'Deployment' && object.metadata.name === 'gateway',
      );
      const broken = structuredClone(deployment) as RawObject & {
        spec: { strategy: Record<string, unknown> };
      };
      broken.spec.strategy.rollingUpdates = broken.spec.strategy.rollingUpdate;
      expect(describeProblems(await schemaProblems([broken]))).toEqual([
        expect.stringMatching(
          /^Deployment\/tenantflow-dev\/gateway: spec\.strategy\.rollingUpdates: .*does not exist/,
        ),
      ]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );
});
