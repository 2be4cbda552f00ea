/**
 * `terraform validate` on every synthesized stack, against the pinned hashicorp/aws schema (from the provider mirror
 * in TF_PLUGIN_MIRROR). Skipped with a message where terraform or the mirror is missing, unless
 * PORTICO_REQUIRE_TOOLS=1.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraform } from '../src/terraform';
import { removeSynthOutputs, synthTemp, tempTarget, type SynthesizedJson } from './support/stack-json';
import { requireTool, terraformInit, terraformProblem, terraformTestEnv } from './support/tools';

interface Validation {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: { severity: string; summary: string; detail?: string; address?: string }[];
}

const problem = terraformProblem();
const run = requireTool('terraform', problem === undefined, problem ?? '');

/** `terraform init` + `terraform validate -json` in a stack directory. */
async function validate(dir: string): Promise<Validation> {
  const env = terraformTestEnv(tempTarget(dir));
  const init = await terraformInit(dir, env);
  if (init.code !== 0) throw new Error(`terraform init failed in ${dir}:\n${init.stderr || init.stdout}`);
  const result = await terraform(['validate', '-json', '-no-color'], { cwd: dir, env });
  return JSON.parse(result.stdout) as Validation;
}

const describeWithTerraform = run ? describe : describe.skip;

describeWithTerraform('terraform validate', () => {
  let stacks: SynthesizedJson[] = [];
  /** Validations start together (each loads the provider schema, ~2-3 s of CPU); tests await their own. */
  const validations = new Map<string, Promise<Validation>>();
  beforeAll(() => {
    // The emulator variant differs from AWS in the distribution and the provider: one stage is enough for it.
    const emulator = synthTemp({ target: { endpoint: 'http://127.0.0.1:5000' }, stages: ['dev'] }).stacks;
    stacks = [...synthTemp().stacks, ...emulator.map((s) => ({ ...s, name: `${s.name} (emulator)` }))];
    for (const stack of stacks) {
      const pending = validate(stack.dir);
      pending.catch(() => undefined); // reported by the test that awaits it
      validations.set(stack.name, pending);
    }
  });
  const onCleanup: string[] = [];
  afterAll(() => {
    removeSynthOutputs();
    for (const dir of onCleanup) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['example-api-dev', 'aws'],
    ['example-api-prod', 'aws'],
    ['example-api-dev', 'emulator'],
  ])(
    'accepts %s for the %s target, without warnings',
    async (name, target) => {
      const stack = stacks.find((s) => s.name === (target === 'aws' ? name : `${name} (emulator)`))!;
      const result = await validations.get(stack.name)!;
      expect(result.diagnostics).toEqual([]);
      expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      // The provider came from the mirror, at the version the stack pins.
      const pinned = (stack.json.terraform.required_providers as { aws: { version: string } }).aws.version;
      expect(readFileSync(join(stack.dir, '.terraform.lock.hcl'), 'utf8')).toContain(`version     = "${pinned}"`);
    },
    120_000,
  );

  it(
    'rejects a stack with an argument the provider does not know (the check is real)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'portico-invalid-'));
      onCleanup.push(dir);
      const source = stacks.find((s) => s.name === 'example-api-dev')!;
      cpSync(source.dir, dir, { recursive: true, filter: (path) => !path.includes('.terraform') });
      const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as typeof source.json;
      const [fnId] = Object.keys(json.resource.aws_lambda_function!);
      json.resource.aws_lambda_function![fnId!]!.memory_sise = 512;
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
      const result = await validate(dir);
      expect(result.valid).toBe(false);
      expect(result.diagnostics.map((d) => d.summary)).toContain('Extraneous JSON object property');
    },
    120_000,
  );
});
