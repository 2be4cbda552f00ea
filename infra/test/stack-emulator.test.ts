/**
 * The emulator target (an AWS endpoint override): the same stack, minus exactly the CloudFront policy resources
 * emulators lack, reported as left out, with the provider pointed at the emulator.
 */
import { Edge } from '../src/constructs/edge';
import { EMULATED_SERVICES } from '../src/target';
import { EXAMPLE, EXAMPLE_STAGES, only, redeployHash, removeSynthOutputs, resourceCounts, synthTemp, type SynthesizedJson } from './support/stack-json';

const ENDPOINT = 'http://127.0.0.1:5000';

/** Resource type prefix → the provider `endpoints` key of the service that manages it. */
const SERVICE_OF_TYPE: [RegExp, string][] = [
  [/^aws_api_gateway_/, 'apigateway'],
  [/^aws_lambda_/, 'lambda'],
  [/^aws_iam_/, 'iam'],
  [/^aws_dynamodb_/, 'dynamodb'],
  [/^aws_cloudfront_/, 'cloudfront'],
  [/^aws_cloudwatch_log_/, 'cloudwatchlogs'],
];

let aws: SynthesizedJson[];
let emulator: SynthesizedJson[];
beforeAll(() => {
  aws = synthTemp().stacks;
  emulator = synthTemp({ target: { endpoint: ENDPOINT } }).stacks;
});
afterAll(removeSynthOutputs);

describe.each(EXAMPLE_STAGES)('example-api-%s on an emulator', (stage) => {
  const pair = (): { onAws: SynthesizedJson; onEmulator: SynthesizedJson } => ({
    onAws: aws.find((s) => s.stage === stage)!,
    onEmulator: emulator.find((s) => s.stage === stage)!,
  });

  it('reports exactly the CloudFront APIs moto lacks as left out: the policies, and the CORS function where there is one', () => {
    const { onAws, onEmulator } = pair();
    const several = EXAMPLE.stages[stage]!.corsOrigins.length > 1;
    expect([...onEmulator.omitted].sort()).toEqual(
      ['aws_cloudfront_cache_policy', 'aws_cloudfront_origin_request_policy', ...(several ? ['aws_cloudfront_function'] : [])].sort(),
    );
    expect(onEmulator.omitted.every((type) => Edge.EMULATOR_OMITTED.includes(type))).toBe(true);
    expect(onAws.omitted).toEqual([]);
  });

  it('leaves out exactly the reported resource types and keeps every other resource', () => {
    const { onAws, onEmulator } = pair();
    const withoutOmitted = Object.fromEntries(
      Object.entries(resourceCounts(onAws.json)).filter(([type]) => !onEmulator.omitted.includes(type)),
    );
    expect(resourceCounts(onEmulator.json)).toEqual(withoutOmitted);
    for (const type of onEmulator.omitted) expect(onAws.json.resource[type]).toBeDefined();
  });

  it('forwards the API key and keys its cache with legacy forwarded values instead of the policies', () => {
    const behavior = only(pair().onEmulator.json, 'aws_cloudfront_distribution').body.default_cache_behavior as Record<
      string,
      unknown
    >;
    expect(behavior.cache_policy_id).toBeUndefined();
    expect(behavior.origin_request_policy_id).toBeUndefined();
    expect(behavior.forwarded_values).toMatchObject({
      query_string: true,
      query_string_cache_keys: expect.arrayContaining(['q', 'limit']),
      headers: expect.arrayContaining(['x-api-key', 'Origin']),
    });
    expect(behavior.viewer_protocol_policy).toBe('https-only');
  });

  it('serves the same API definition (same redeploy hash) as the AWS stack', () => {
    const { onAws, onEmulator } = pair();
    expect(redeployHash(onEmulator.json)).toBe(redeployHash(onAws.json));
  });

  it('points every service the stack uses at the emulator, with its test keys', () => {
    const [provider] = pair().onEmulator.json.provider.aws!;
    expect(provider).toMatchObject({ access_key: 'test', secret_key: 'test', skip_credentials_validation: true });
    const [endpoints] = provider!.endpoints as Record<string, string>[];
    expect(Object.keys(endpoints!).sort()).toEqual([...EMULATED_SERVICES].sort());
    expect(new Set(Object.values(endpoints!))).toEqual(new Set([ENDPOINT]));
    for (const type of Object.keys(pair().onEmulator.json.resource)) {
      const service = SERVICE_OF_TYPE.find(([pattern]) => pattern.test(type))?.[1];
      if (!service) throw new Error(`${type}: add its service to SERVICE_OF_TYPE`);
      expect(endpoints).toHaveProperty(service, ENDPOINT);
    }
    const [awsProvider] = pair().onAws.json.provider.aws!;
    expect(awsProvider!.endpoints).toBeUndefined();
  });

  it('keeps its state apart from the AWS state', () => {
    const { onAws, onEmulator } = pair();
    const path = (s: SynthesizedJson): string =>
      String((s.json.terraform.backend as { local: { path: string } }).local.path);
    expect(path(onEmulator)).toMatch(/\.emulator\.tfstate$/);
    expect(path(onAws)).not.toMatch(/emulator/);
  });
});
