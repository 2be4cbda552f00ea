/**
 * deploy-stage deploys one stage of the APIs turbo puts in scope, then reads each deployed stack's outputs. A fake
 * turbo (`support/fake-turbo.cjs`) plays turbo and infra's deploy; a fake terraform answers `output -json` per stack.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployStage } from '../src/deploy-stage';
import { ALPHA, BETA, FAKE_TURBO, writeApps, type FakeApp } from './support/fake-apps';

const BASE = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const GAMMA: FakeApp = { dir: 'apps/gamma-api', name: 'gamma-api', stages: ['dev'] };

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(affected: readonly string[], invokeUrls: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'portico-deploy-stage-'));
  scratch.push(root);
  const bin = join(root, '.bin');
  mkdirSync(bin);
  symlinkSync(join(__dirname, 'support', 'fake-terraform'), join(bin, 'terraform'));
  const calls = join(root, '.turbo-calls');
  writeFileSync(calls, '');
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    ...writeApps(root, [ALPHA, BETA, GAMMA]),
    FAKE_AFFECTED: JSON.stringify(affected),
    FAKE_CALLS: calls,
    FAKE_INVOKE_URLS: JSON.stringify(invokeUrls),
    GITHUB_TOKEN: 'ghs_workflow_token',
  };
  const turboCalls = () =>
    readFileSync(calls, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { args: string[]; base: string | null; stage?: string; token?: string });
  return { options: { repoRoot: root, turbo: [process.execPath, FAKE_TURBO], env, log: () => undefined }, turboCalls };
}

describe('deployStage', () => {
  it("deploys the stage of each API the change affects, and reads each stack's public outputs", async () => {
    // Arrange: alpha and beta changed, gamma did not.
    const urls = { 'alpha-api-prod': 'https://a1.execute-api.eu-west-1.amazonaws.com/prod', 'beta-api-prod': 'https://b2.execute-api.eu-west-1.amazonaws.com/prod' };
    const { options, turboCalls } = workspace([ALPHA.dir, BETA.dir], urls);

    // Act
    const result = await deployStage({ ...options, stage: 'prod', scope: { kind: 'affected', base: BASE } });

    // Assert
    expect(result.stacks.map((s) => [s.stack, s.api, s.invokeUrl, s.cloudfrontUrl])).toEqual([
      ['alpha-api-prod', 'alpha-api', urls['alpha-api-prod'], 'https://d111.cloudfront.net'],
      ['beta-api-prod', 'beta-api', urls['beta-api-prod'], 'https://d111.cloudfront.net'],
    ]);
    expect(result.stacks[0]!.outputs).not.toHaveProperty('api_key_values');
    // turbo deploys with the stage and the base, and never sees the workflow's GitHub token.
    expect(turboCalls()).toEqual([
      { args: ['run', 'deploy', '--affected', '--dry=json'], base: BASE, stage: 'prod' },
      { args: ['run', 'deploy', '--affected'], base: BASE, stage: 'prod' },
    ]);
  });

  it('deploys nothing, and runs no deploy, when the change affects no API', async () => {
    const { options, turboCalls } = workspace([], {});

    const result = await deployStage({ ...options, stage: 'dev', scope: { kind: 'affected', base: BASE } });

    expect(result.stacks).toEqual([]);
    expect(turboCalls().map((c) => c.args)).toEqual([['run', 'deploy', '--affected', '--dry=json']]);
  });

  it('deploys every API without a base, leaving out one that declares no such stage', async () => {
    const { options, turboCalls } = workspace([], { 'alpha-api-prod': 'https://a1.example/prod', 'beta-api-prod': 'https://b2.example/prod' });

    const result = await deployStage({ ...options, stage: 'prod', scope: { kind: 'all' } });

    expect(result.stacks.map((s) => s.stack)).toEqual(['alpha-api-prod', 'beta-api-prod']);
    expect(result.skipped).toEqual([{ name: 'gamma-api', dir: GAMMA.dir, reason: 'declares no stage "prod" (only dev)' }]);
    expect(turboCalls().map((c) => c.args).at(-1)).toEqual(['run', 'deploy', `--filter=!./${GAMMA.dir}`]);
  });

  it('deploys the API named, whatever changed', async () => {
    const { options, turboCalls } = workspace([ALPHA.dir], { 'beta-api-dev': 'https://b2.example/dev' });

    const result = await deployStage({ ...options, stage: 'dev', scope: { kind: 'apis', names: ['beta-api'] } });

    expect(result.stacks.map((s) => [s.stack, s.invokeUrl])).toEqual([['beta-api-dev', 'https://b2.example/dev']]);
    expect(turboCalls().map((c) => c.args).at(-1)).toEqual(['run', 'deploy', `--filter=./${BETA.dir}`]);
  });

  it('fails when the deploy fails, naming the stacks', async () => {
    const { options } = workspace([ALPHA.dir], {});

    const deploy = deployStage({ ...options, stage: 'dev', scope: { kind: 'all' }, env: { ...options.env, FAKE_DEPLOY_FAIL: '1' } });

    await expect(deploy).rejects.toThrow('deploying alpha-api-dev, beta-api-dev, gamma-api-dev failed (exit 1)');
  });

  it('refuses a stage API Gateway would refuse, before running anything', async () => {
    const { options, turboCalls } = workspace([ALPHA.dir], {});

    await expect(deployStage({ ...options, stage: 'dev; rm -rf /', scope: { kind: 'all' } })).rejects.toThrow('A stage is letters, digits and "_"');
    expect(turboCalls()).toEqual([]);
  });
});
