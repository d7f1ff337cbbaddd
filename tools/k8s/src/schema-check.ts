import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { idOf, root, type RawObject } from './kustomize';

/**
 * Offline validation of Kubernetes objects against the API's OpenAPI schemas, as shipped by the
 * `kubernetes-models` package (generated from the Kubernetes OpenAPI document), in two passes:
 *
 * 1. the package's validators (JSON Schema, ajv): types, enums, formats such as quantities,
 *    required fields;
 * 2. unknown fields, which those validators let through (the API server drops them with a
 *    warning, or refuses them under strict field validation): each object is type-checked as an
 *    object literal of the package's TypeScript interface, so that an excess property (a misspelled
 *    `readinesProbe`) is an error, with its path.
 *
 * A kind the package has no model for is an error too: nothing passes unchecked.
 */
export interface SchemaProblem {
  readonly object: string;
  readonly message: string;
}

const MODELS = 'kubernetes-models';

/** `apps/v1` + `Deployment` -> `kubernetes-models/apps/v1/Deployment` (core `v1` has no group). */
function modelSpecifier(object: RawObject): string | undefined {
  const specifier = `${MODELS}/${object.apiVersion}/${object.kind}`;
  const declarations = path.join(root, 'node_modules', `${specifier}.d.ts`);
  return /^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)?$/.test(object.apiVersion) && existsSync(declarations)
    ? specifier
    : undefined;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

async function modelClass(specifier: string, kind: string): Promise<ModelClass | undefined> {
  const module = (await import(specifier)) as Record<string, unknown>;
  const model = module[kind];
  return typeof model === 'function' ? (model as ModelClass) : undefined;
}

/** Pass 1: the `kubernetes-models` validators. */
async function validateModels(objects: readonly RawObject[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const specifier = modelSpecifier(object);
    const model = specifier && (await modelClass(specifier, object.kind));
    if (!model) {
      problems.push({ object: idOf(object), message: `no schema for ${object.apiVersion} ${object.kind}` });
      continue;
    }
    try {
      new model(structuredClone(object)).validate();
    } catch (error) {
      problems.push({ object: idOf(object), message: (error as Error).message });
    }
  }
  return problems;
}

// --- pass 2: unknown fields ------------------------------------------------------------------

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
};

/** The library and declaration files, parsed once for every check of this process. */
const parsed = new Map<string, ts.SourceFile | undefined>();
let previous: ts.Program | undefined;

/** `spec.template.spec.containers[0].readinesProbe`: where in the object literal `position` is. */
function fieldPath(node: ts.Node | undefined): string {
  const parts: string[] = [];
  for (let current = node; current; current = current.parent) {
    const parent = current.parent as ts.Node | undefined;
    if (ts.isPropertyAssignment(current) && ts.isStringLiteral(current.name)) {
      parts.unshift(`.${current.name.text}`);
    } else if (parent && ts.isArrayLiteralExpression(parent)) {
      parts.unshift(`[${parent.elements.indexOf(current as ts.Expression)}]`);
    }
  }
  return parts.join('').replace(/^\./, '');
}

function nodeAt(file: ts.SourceFile, position: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (position >= node.getStart(file) && position < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  visit(file);
  return found;
}

/** Pass 2: each object as a literal of its `kubernetes-models` interface (`I<Kind>`). */
function checkUnknownFields(objects: readonly RawObject[]): SchemaProblem[] {
  const virtual = new Map<string, { source: string; object: RawObject }>();
  objects.forEach((object, index) => {
    const specifier = modelSpecifier(object);
    if (!specifier) return; // reported by pass 1
    const source =
      `import type { I${object.kind} } from '${specifier}';\n` +
      `export const object: I${object.kind} = ${JSON.stringify(object, null, 2)};\n`;
    virtual.set(path.join(root, `.k8s-schema-check/object-${index}.ts`), { source, object });
  });
  const host = ts.createCompilerHost(compilerOptions);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  host.readFile = (file) => virtual.get(file)?.source ?? readFile(file);
  host.getSourceFile = (file, language, ...rest) => {
    const entry = virtual.get(file);
    if (entry) return ts.createSourceFile(file, entry.source, language, true);
    if (!parsed.has(file)) parsed.set(file, getSourceFile(file, language, ...rest));
    return parsed.get(file);
  };
  const program = ts.createProgram([...virtual.keys()], compilerOptions, host, previous);
  previous = program;
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const entry = diagnostic.file && virtual.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!entry || !diagnostic.file || diagnostic.start === undefined) {
      return { object: '(type check)', message };
    }
    const where = fieldPath(nodeAt(diagnostic.file, diagnostic.start));
    return { object: idOf(entry.object), message: where ? `${where}: ${message}` : message };
  });
}

/** Both passes over `objects`; an empty list means every object is valid. */
export async function schemaProblems(objects: readonly RawObject[]): Promise<SchemaProblem[]> {
  return [...(await validateModels(objects)), ...checkUnknownFields(objects)];
}

/** One line per problem, for `expect(...).toEqual([])` failures that say what is wrong. */
export const describeProblems = (problems: readonly SchemaProblem[]): string[] =>
  problems.map((problem) => `${problem.object}: ${problem.message}`);
