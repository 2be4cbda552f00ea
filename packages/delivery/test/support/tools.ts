/**
 * Tests that need a tool a developer may lack (terraform, its aws provider) skip with a reason by default and fail
 * when PORTICO_REQUIRE_TOOLS=1 (CI), so a missing install never passes as green there.
 */
import { spawnSync } from 'node:child_process';

export const REQUIRE_TOOLS = process.env.PORTICO_REQUIRE_TOOLS === '1';

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` when the tool is there; otherwise `describe.skip` with a printed reason, or (PORTICO_REQUIRE_TOOLS=1) a
 * suite with one failing test naming what is missing.
 */
export function describeWithTool(tool: string, missing: string | undefined): (name: string, fn: () => void) => void {
  if (missing === undefined) return describe;
  if (REQUIRE_TOOLS) {
    return (name) =>
      describe(name, () => {
        it(`needs ${tool}`, () => {
          throw new Error(`${tool} is required here (PORTICO_REQUIRE_TOOLS=1): ${missing}`);
        });
      });
  }
  console.warn(`skipping tests that need ${tool}: ${missing} (set PORTICO_REQUIRE_TOOLS=1 to make this a failure)`);
  return describe.skip;
}
