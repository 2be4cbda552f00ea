// The delivery scripts as functions; the commands in bin/ (src/cli/) are thin wrappers over these.

// PR plan comments
export { countPlanChanges, GITHUB_COMMENT_LIMIT, planMarker, renderPlanComment, stackOfComment } from './plan-comment';
export type { PlanCommentInput, PlanCounts } from './plan-comment';
export { createGitHubClient, GitHubApiError } from './github-comments';
export type { GitHubClient, GitHubClientOptions, IssueComment, UpsertResult } from './github-comments';

// Plan and deploy
export { ciPlan, DEFAULT_STACKS, PLAN_FILES } from './ci-plan';
export type { CiPlanOptions, CiPlanResult, StackPlanResult } from './ci-plan';
export { deployStage, publicOutputs, stackOfStage } from './deploy-stage';
export type { DeployStageOptions, DeployStageResult } from './deploy-stage';
export { defaultChecks, smokeTest } from './smoke-test';
export type { SmokeCheck, SmokeOptions, SmokeResult } from './smoke-test';

// CI tools
export { DEFAULT_MIRROR_DIR, ensureProviderMirror, mirrorHolds, pinnedAwsProviderVersion, terraformPlatform } from './provider-mirror';
export type { ProviderMirrorOptions, ProviderMirrorResult } from './provider-mirror';

// GitHub Actions environment
export { appendStepSummary, exportVariable, pullRequestNumber, runUrl, setOutput } from './actions-env';
