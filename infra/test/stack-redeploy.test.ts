/**
 * The deployment's redeploy trigger: a stage keeps serving its old deployment until the deployment is replaced, so
 * the trigger must change whenever the API definition changes, and only then (a redeploy on every function release
 * would flush the stage cache and churn deployments for nothing).
 */
import { defineRoute, type RouteSpec } from '@portico/http';
import { CreateUserBody, routeList, routes } from './fixtures/example-api/routes';
import * as v from 'valibot';
import { definitionHash } from '../src/constructs/deployment';
import { tempArtifact } from './support/artifact';
import { EXAMPLE, only, redeployHash, removeSynthOutputs, synthTemp, synthVariant, type StackJson } from './support/stack-json';

const replaceRoute = (from: RouteSpec, to: RouteSpec): RouteSpec[] => routeList.map((r) => (r === from ? to : r));

let baseline: string;
let baselineJson: StackJson;
beforeAll(() => {
  baselineJson = synthVariant('dev').json;
  baseline = redeployHash(baselineJson);
});
afterAll(removeSynthOutputs);

describe('redeploy trigger', () => {
  it('is a resolved SHA-256, replaced before the old deployment is destroyed', () => {
    const { json } = synthVariant('dev');
    const deployment = only(json, 'aws_api_gateway_deployment').body;
    expect(redeployHash(json)).toMatch(/^[0-9a-f]{64}$/);
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
  });

  it('is the same when the same input is synthesized twice, in memory or through synthesize()', () => {
    expect(redeployHash(synthVariant('dev').json)).toBe(baseline);
    const first = synthTemp({ stages: ['dev'] }).stacks[0]!.json;
    const second = synthTemp({ stages: ['dev'] }).stacks[0]!.json;
    expect(redeployHash(second)).toBe(redeployHash(first));
    expect(redeployHash(first)).toBe(baseline);
  });

  describe('changes when the API definition changes:', () => {
    const cases: [string, () => RouteSpec[]][] = [
      [
        'a route is added',
        () => [
          ...routeList,
          defineRoute({ method: 'PUT', path: '/users/{id}', operationId: 'replaceUser', body: CreateUserBody, apiKeyRequired: true }),
        ],
      ],
      ['a route is removed', () => routeList.filter((r) => r !== routes.hello)],
      [
        'a body schema changes',
        () =>
          replaceRoute(routes.createUser, {
            ...routes.createUser,
            body: v.strictObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), email: v.optional(v.pipe(v.string(), v.email())) }),
          }),
      ],
      ['an API key requirement changes', () => replaceRoute(routes.getUser, { ...routes.getUser, apiKeyRequired: true })],
      ['a cache key changes', () => replaceRoute(routes.search, { ...routes.search, cache: { keyParameters: ['q'] } })],
      [
        'a query parameter becomes required',
        () => replaceRoute(routes.search, { ...routes.search, query: v.object({ q: v.string(), limit: v.string() }) }),
      ],
    ];
    it.each(cases)('%s', (_, table) => {
      expect(redeployHash(synthVariant('dev', { routes: table() }).json)).not.toBe(baseline);
    });

    it('the CORS allowlist changes (preflight and gateway responses are part of the API)', () => {
      const json = synthVariant('dev', { config: { corsOrigins: ['https://other.portico.dev'] } }).json;
      expect(redeployHash(json)).not.toBe(baseline);
    });
  });

  describe('does not change when only the rest of the stack changes:', () => {
    const cases: [string, () => StackJson][] = [
      ['new function code', () => synthVariant('dev', { artifact: tempArtifact('export const handler = async () => ({ statusCode: 204 });') }).json],
      ['the stage cache TTL', () => synthVariant('dev', { config: { cache: { ...EXAMPLE.stages.dev!.cache, ttlSeconds: 3600 } } }).json],
      ['the stage throttle', () => synthVariant('dev', { config: { throttle: { rateLimit: 1, burstLimit: 2 } } }).json],
      ['usage plan quotas', () => synthVariant('dev', { config: { usagePlans: EXAMPLE.stages.prod!.usagePlans } }).json],
      ['log retention and function sizing', () => synthVariant('dev', { config: { logRetentionDays: 400, lambda: { memoryMb: 2048, timeoutSeconds: 20 } } }).json],
      ['stage variables', () => synthVariant('dev', { config: { stageVariables: { environment: 'dev', logLevel: 'warn' } } }).json],
    ];
    it.each(cases)('%s', (_, synth) => {
      const json = synth();
      // Not vacuous: the stack did change.
      expect(JSON.stringify(json.resource)).not.toBe(JSON.stringify(baselineJson.resource));
      expect(redeployHash(json)).toBe(baseline);
    });
  });
});

describe('definitionHash', () => {
  it('ignores key order and undefined values, but not array order', () => {
    expect(definitionHash({ a: 1, b: { c: 2, d: undefined } })).toBe(definitionHash({ b: { c: 2 }, a: 1 }));
    expect(definitionHash([1, 2])).not.toBe(definitionHash([2, 1]));
  });
});
