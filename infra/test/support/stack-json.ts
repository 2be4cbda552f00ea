/**
 * Synthesized stacks as data, for tests: synthesize into a temp dir (the real `synthesize()` path) or one stack in
 * memory (cdktf `Testing`, for config variants), then read resources by type and follow `${type.name.attr}`
 * references the way Terraform would, so tests can say "the method of GET /users" instead of naming logical ids.
 */
import type { RouteSpec } from '@portico/http';
import { Testing } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackName, stageOf, type ApiConfig, type StageSettings } from '../../src/api';
import { synthesize, type SynthesizedStack } from '../../src/app';
import type { LambdaArtifact } from '../../src/lambda-artifact';
import { ApiStack } from '../../src/stacks/api-stack';
import type { DeployTarget } from '../../src/target';
import { EXAMPLE_API } from '../fixtures/example-api/portico.config';
import { tempArtifact } from './artifact';

/** The fixture API the stack tests synthesize (test/fixtures/example-api). */
export const EXAMPLE = EXAMPLE_API.config;
/** The fixture API as discovery hands it over. */
export const EXAMPLE_API_FIXTURE = EXAMPLE_API;
/** The fixture's stack name of a stage: `example-api-dev`. */
export const exampleStack = (stage: string): string => stackName(EXAMPLE, stage);
/** The fixture's stage names. */
export const EXAMPLE_STAGES = Object.keys(EXAMPLE.stages);

export type Body = Record<string, unknown>;

/** The parts of `cdk.tf.json` tests read. */
export interface StackJson {
  readonly resource: Record<string, Record<string, Body>>;
  readonly provider: Record<string, Body[]>;
  readonly output: Record<string, Body>;
  readonly terraform: Body;
}

export interface SynthesizedJson extends SynthesizedStack {
  readonly json: StackJson;
  /** The raw `cdk.tf.json`, for cdktf's jest matchers. */
  readonly text: string;
}

const outdirs: string[] = [];

/** Removes every output `synthTemp` wrote in this test file: call it from `afterAll`. */
export function removeSynthOutputs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A temp-dir target: local state next to the output, never the repository's. */
export const tempTarget = (outdir: string, extra: Partial<DeployTarget> = {}): DeployTarget => ({
  backend: { kind: 'local', dir: join(outdir, 'state') },
  ...extra,
});

/**
 * Synthesizes the stacks into a fresh temp dir and parses each `cdk.tf.json`.
 * @default the fixture API (its routes unless `routes` is given), a small test Lambda zip, AWS target, every stage
 */
export function synthTemp(
  options: {
    api?: ApiConfig;
    routes?: readonly RouteSpec[];
    artifact?: LambdaArtifact;
    target?: Partial<DeployTarget>;
    stages?: readonly string[];
  } = {},
): { outdir: string; stacks: SynthesizedJson[]; ms: number } {
  const outdir = mkdtempSync(join(tmpdir(), 'portico-synth-'));
  outdirs.push(outdir);
  const started = performance.now();
  const api = options.api ?? EXAMPLE;
  const artifact = options.artifact ?? tempArtifact();
  const stacks = synthesize({
    apis: [{ config: options.routes ? { ...api, routes: options.routes } : api, dir: EXAMPLE_API.dir }],
    artifact: () => artifact,
    target: tempTarget(outdir, options.target),
    outdir,
    ...(options.stages ? { stages: options.stages } : {}),
  });
  const ms = performance.now() - started;
  return {
    outdir,
    ms,
    stacks: stacks.map((stack) => {
      const text = readFileSync(join(stack.dir, 'cdk.tf.json'), 'utf8');
      return { ...stack, text, json: JSON.parse(text) as StackJson };
    }),
  };
}

/** One stage's stack synthesized in memory with `Testing`, with its API, stage settings, routes or artifact changed. */
export function synthVariant(
  stage: string,
  change: {
    api?: Partial<ApiConfig>;
    config?: Partial<StageSettings>;
    routes?: readonly RouteSpec[];
    artifact?: LambdaArtifact;
    target?: DeployTarget;
  } = {},
): { json: StackJson; text: string; stack: ApiStack } {
  const app = Testing.app();
  const api: ApiConfig = { ...EXAMPLE, ...change.api, ...(change.routes ? { routes: change.routes } : {}) };
  const name = stackName(api, stage);
  const stack = new ApiStack(app, name, {
    api,
    stage: { ...stageOf(api, stage), ...change.config },
    artifact: change.artifact ?? sharedArtifact(),
    target: change.target ?? tempTarget(tmpdir()),
    stackDir: join(tmpdir(), 'stacks', name),
  });
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as StackJson, text, stack };
}

let artifact: LambdaArtifact | undefined;
/** One test zip per test file: synthesizing twice with it must give identical stacks. */
export function sharedArtifact(): LambdaArtifact {
  artifact ??= tempArtifact();
  return artifact;
}

/** The resources of one type, by logical id (empty when there are none). */
export function resourcesOf(stack: StackJson, type: string): Record<string, Body> {
  return stack.resource[type] ?? {};
}

/** The single resource of a type; throws when there are none or several. */
export function only(stack: StackJson, type: string): { id: string; body: Body } {
  const entries = Object.entries(resourcesOf(stack, type));
  if (entries.length !== 1) throw new Error(`Expected exactly one ${type}, found ${entries.length}`);
  const [id, body] = entries[0]!;
  return { id, body };
}

/** A Terraform reference expression, as cdktf writes it. */
export const ref = (type: string, id: string, attribute: string): string => `\${${type}.${id}.${attribute}}`;

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_]+)\.([a-z0-9_]+)\}$/;

/** Follows a whole-value reference to an argument of another resource in the stack (e.g. a method's http_method). */
export function deref(stack: StackJson, value: unknown): unknown {
  for (let depth = 0; depth < 10 && typeof value === 'string'; depth++) {
    const match = REFERENCE.exec(value);
    const target = match && stack.resource[match[1]!]?.[match[2]!];
    if (!target || !(match[3]! in target)) return value;
    value = target[match[3]!];
  }
  return value;
}

/** Per-resource-type counts, sorted by type: the shape of a stack at a glance. */
export function resourceCounts(stack: StackJson): Record<string, number> {
  return Object.fromEntries(
    Object.keys(stack.resource)
      .sort()
      .map((type) => [type, Object.keys(stack.resource[type]!).length]),
  );
}

/**
 * The REST API as the gateway sees it: resource paths, and everything attached to a method keyed `"GET /users"`
 * (OPTIONS included), found by following resource and method references.
 */
export class GatewayView {
  /** `${aws_api_gateway_resource.X.id}` (or the root reference) → its path. */
  readonly pathOfRef = new Map<string, string>();
  readonly methods = new Map<string, Body>();
  readonly integrations = new Map<string, Body>();
  readonly methodResponses = new Map<string, Body[]>();
  readonly integrationResponses = new Map<string, Body[]>();

  constructor(readonly stack: StackJson) {
    const api = only(stack, 'aws_api_gateway_rest_api');
    this.pathOfRef.set(ref('aws_api_gateway_rest_api', api.id, 'root_resource_id'), '/');
    const resources = resourcesOf(stack, 'aws_api_gateway_resource');
    const pathOf = (reference: string, seen = 0): string => {
      const known = this.pathOfRef.get(reference);
      if (known !== undefined) return known;
      const id = REFERENCE.exec(reference)?.[2];
      const body = id === undefined ? undefined : resources[id];
      if (!body || seen > 20) throw new Error(`${reference} is not a resource of this API`);
      const parent = pathOf(String(body.parent_id), seen + 1);
      const path = `${parent === '/' ? '' : parent}/${String(body.path_part)}`;
      this.pathOfRef.set(reference, path);
      return path;
    };
    for (const id of Object.keys(resources)) pathOf(ref('aws_api_gateway_resource', id, 'id'));

    const keyOf = (body: Body): string =>
      `${String(deref(stack, body.http_method))} ${pathOf(String(deref(stack, body.resource_id)))}`;
    for (const body of Object.values(resourcesOf(stack, 'aws_api_gateway_method'))) {
      const key = keyOf(body);
      if (this.methods.has(key)) throw new Error(`Two methods for ${key}`);
      this.methods.set(key, body);
    }
    for (const body of Object.values(resourcesOf(stack, 'aws_api_gateway_integration'))) {
      const key = keyOf(body);
      if (this.integrations.has(key)) throw new Error(`Two integrations for ${key}`);
      this.integrations.set(key, body);
    }
    const push = (map: Map<string, Body[]>, body: Body): void => {
      const key = keyOf(body);
      map.set(key, [...(map.get(key) ?? []), body]);
    };
    for (const body of Object.values(resourcesOf(stack, 'aws_api_gateway_method_response'))) push(this.methodResponses, body);
    for (const body of Object.values(resourcesOf(stack, 'aws_api_gateway_integration_response'))) {
      push(this.integrationResponses, body);
    }
  }

  /** Every resource path of the tree, root included. */
  get paths(): string[] {
    return [...new Set(this.pathOfRef.values())].sort();
  }

  method(key: string): Body {
    const body = this.methods.get(key);
    if (!body) throw new Error(`No method ${key}; the API has: ${[...this.methods.keys()].join(', ')}`);
    return body;
  }

  integration(key: string): Body {
    const body = this.integrations.get(key);
    if (!body) throw new Error(`No integration for ${key}`);
    return body;
  }
}

/** The gateway response of a type (DEFAULT_4XX, BAD_REQUEST_BODY, …). */
export function gatewayResponse(stack: StackJson, type: string): Body {
  const found = Object.values(resourcesOf(stack, 'aws_api_gateway_gateway_response')).filter((r) => r.response_type === type);
  if (found.length !== 1) throw new Error(`Expected one ${type} gateway response, found ${found.length}`);
  return found[0]!;
}

/** The redeploy hash of the stack's one deployment. */
export function redeployHash(stack: StackJson): string {
  const triggers = only(stack, 'aws_api_gateway_deployment').body.triggers as Record<string, string>;
  return triggers.redeployment!;
}
