import type { RawObject } from './kustomize';

// The few fields of the rendered objects that the consistency checks read. The objects have passed
// the schema check (schema-check.ts) first, so these shapes hold.

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

export interface HttpProbe {
  readonly httpGet?: { readonly path?: string; readonly port: number | string };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly ports?: readonly {
    readonly name?: string;
    readonly containerPort: number;
    readonly protocol?: string;
  }[];
  readonly env?: readonly {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: {
      readonly configMapKeyRef?: { readonly name: string; readonly key: string };
      readonly secretKeyRef?: { readonly name: string; readonly key: string };
    };
  }[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
  }[];
  readonly startupProbe?: HttpProbe;
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string | number>>;
    readonly limits?: Readonly<Record<string, string | number>>;
  };
}

export interface PodTemplate {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly containers: readonly Container[] };
}

export interface Workload extends RawObject {
  readonly spec: { readonly selector: LabelSelector; readonly template: PodTemplate };
}

export interface Service extends RawObject {
  readonly spec: {
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports: readonly {
      readonly name?: string;
      readonly port: number;
      readonly targetPort?: number | string;
    }[];
  };
}

export interface ConfigMap extends RawObject {
  readonly data?: Readonly<Record<string, string>>;
}

export interface Secret extends RawObject {
  readonly data?: Readonly<Record<string, string>>;
  readonly stringData?: Readonly<Record<string, string>>;
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicyRule {
  readonly ports?: readonly { readonly port?: number | string; readonly protocol?: string }[];
  readonly from?: readonly NetworkPolicyPeer[];
  readonly to?: readonly NetworkPolicyPeer[];
}

export interface NetworkPolicy extends RawObject {
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
    readonly ingress?: readonly NetworkPolicyRule[];
    readonly egress?: readonly NetworkPolicyRule[];
  };
}

export interface HorizontalPodAutoscaler extends RawObject {
  readonly spec: {
    readonly scaleTargetRef: { readonly kind: string; readonly name: string };
    readonly minReplicas?: number;
    readonly maxReplicas: number;
    readonly metrics?: readonly { readonly type: string; readonly resource?: { readonly name: string } }[];
  };
}

export interface PodDisruptionBudget extends RawObject {
  readonly spec: { readonly selector?: LabelSelector };
}

/** The objects of one kind (the schema check vouches for their shape). */
export const ofKind = <T extends RawObject>(objects: readonly RawObject[], kind: string): T[] =>
  objects.filter((object) => object.kind === kind) as T[];

export const named = <T extends RawObject>(objects: readonly T[], name: string): T | undefined =>
  objects.find((object) => object.metadata.name === name);

/** Does `selector` select `labels`? (An empty selector selects everything.) */
export function selects(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!selector) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
  return byLabels && byExpressions;
}
