// The delivery scripts as functions; the commands in bin/ (src/cli/) are thin wrappers over these.

// PR plan comments
export { countPlanChanges, GITHUB_COMMENT_LIMIT, planMarker, renderPlanComment, stackOfComment } from './plan-comment';
export type { PlanCommentInput, PlanCounts } from './plan-comment';
export { createGitHubClient, GitHubApiError } from './github-api';
export type { GitHubClient, GitHubClientOptions, IssueComment, UpsertResult, WorkflowRun } from './github-api';

// What a change affects, as turbo decides
export { affectedStacks, describeScope, scopeOfBase } from './affected';
export type { AffectedApi, AffectedOptions, AffectedStacks, TurboScope } from './affected';

// Plan and deploy
export { ciPlan, PLAN_FILES, PLANNED_FILE } from './ci-plan';
export type { CiPlanOptions, CiPlanResult, PlannedStacks, StackPlanResult } from './ci-plan';
export { deployStage, publicOutputs } from './deploy-stage';
export type { DeployedStack, DeployStageOptions, DeployStageResult } from './deploy-stage';
export { smokeProbes, smokeStacks, smokeTest } from './smoke-test';
export type { SmokeOptions, SmokeProbe, SmokeResult, SmokeTarget } from './smoke-test';

// CI tools
export { DEFAULT_MIRROR_DIR, ensureProviderMirror, mirrorHolds, pinnedAwsProviderVersion, terraformPlatform } from './provider-mirror';
export type { ProviderMirrorOptions, ProviderMirrorResult } from './provider-mirror';

// GitHub Actions environment
export { appendStepSummary, exportVariable, pullRequestNumber, runUrl, setOutput } from './actions-env';
