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

// GitHub Actions environment
export { appendStepSummary, pullRequestNumber, runUrl, setOutput } from './actions-env';
