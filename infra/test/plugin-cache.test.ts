/**
 * The provider cache the tests share: once the provider is in it, `terraform init` of another stack directory links
 * it and never writes the entry again, so one test's init cannot pull the provider from under another test's
 * `validate` or `plan` running beside it.
 */
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsProviderVersion, PLUGIN_CACHE_ENV, requireTool, terraformInit, terraformProblem, terraformTestEnv } from './support/tools';

const problem = terraformProblem();
const describeWithTerraform = requireTool('terraform', problem === undefined, problem ?? '') ? describe : describe.skip;

describeWithTerraform('the shared provider cache', () => {
  const root = mkdtempSync(join(tmpdir(), 'portico-plugin-cache-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A stack directory that needs only the pinned provider, and no lock file yet (as every synthesized stack). */
  const stackDir = (name: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: awsProviderVersion() } } } }));
    return dir;
  };

  it('is linked, not written again, by the next init of a directory without a lock file', async () => {
    // Arrange: the provider in the cache, as the first init of a run leaves it
    const env = terraformTestEnv({ offline: true, backend: { kind: 'local', dir: root } });
    expect((await terraformInit(stackDir('first'), env)).code).toBe(0);
    const entry = join(PLUGIN_CACHE_ENV.TF_PLUGIN_CACHE_DIR, 'registry.terraform.io', 'hashicorp', 'aws', awsProviderVersion());
    const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
    const before = lstatSync(join(entry, platform), { bigint: true });
    // Act
    const second = await terraformInit(stackDir('second'), env);
    // Assert: the same entry, untouched (a rewrite gives it a new inode and change time)
    const after = lstatSync(join(entry, platform), { bigint: true });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/from the shared cache directory/);
    expect({ ino: after.ino, ctime: after.ctimeNs }).toEqual({ ino: before.ino, ctime: before.ctimeNs });
  }, 120_000);
});
