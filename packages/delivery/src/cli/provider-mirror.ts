/** Finds or builds the terraform provider mirror infra's tests install from, and exports TF_PLUGIN_MIRROR. */
import { resolve } from 'node:path';
import { exportVariable } from '../actions-env';
import { ensureProviderMirror } from '../provider-mirror';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: provider-mirror [--dir infra/.terraform-mirror]

Makes sure a terraform provider filesystem mirror holds the hashicorp/aws version infra pins: the one named by
TF_PLUGIN_MIRROR when it holds it, else --dir, filled with \`terraform providers mirror\` (from the registry) unless it
already holds it. In GitHub Actions it exports TF_PLUGIN_MIRROR for the next steps; elsewhere it prints the export.`;

main(async () => {
  const { values } = parseCli(USAGE, { dir: { type: 'string' } });
  const result = await ensureProviderMirror({ repoRoot: repoRoot(), ...(values.dir ? { dir: resolve(values.dir) } : {}) });
  if (!exportVariable('TF_PLUGIN_MIRROR', result.mirror)) console.log(`export TF_PLUGIN_MIRROR=${result.mirror}`);
});
