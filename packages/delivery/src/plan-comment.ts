/**
 * The PR comment for one stack's plan: the gateway-level summary on top (what a reviewer reads), the raw
 * `terraform show` folded below it (what a reviewer checks when the summary raises a question).
 *
 * A comment is found again by its first line, a hidden marker per stack, so every push updates the same comment
 * instead of stacking a new one (the plan a reviewer sees is always the latest).
 */

/** GitHub rejects an issue comment body longer than this (`Body is too long (maximum is 65536 characters)`). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The hidden first line that identifies a stack's sticky comment, e.g. `<!-- portico-plan:orders-api-dev -->`. */
export function planMarker(stack: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(stack)) {
    throw new Error(`Stack name ${JSON.stringify(stack)} can't go in a comment marker: use letters, digits, ".", "_" or "-"`);
  }
  return `<!-- portico-plan:${stack} -->`;
}

/** The stack a comment body belongs to, read from its marker line; undefined for any other comment. */
export function stackOfComment(body: string): string | undefined {
  return /^<!-- portico-plan:([A-Za-z0-9._-]+) -->/.exec(body)?.[1];
}

/** Counts as terraform prints them: a replacement is one add and one destroy. */
export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
}

interface PlanJsonLike {
  resource_changes?: Array<{ mode?: string; change?: { actions?: string[] } }>;
}

/** `Plan: 1 to add, 2 to change, 0 to destroy` from `terraform show -json`, counting managed resources only. */
export function countPlanChanges(plan: PlanJsonLike): PlanCounts {
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0 };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const actions = rc.change?.actions ?? [];
    if (actions.includes('create')) counts.add += 1;
    if (actions.includes('delete')) counts.destroy += 1;
    if (actions.includes('update')) counts.change += 1;
  }
  return counts;
}

export interface PlanCommentInput {
  stack: string;
  /** Whether `terraform plan` succeeded for this stack. */
  ok: boolean;
  /** The gateway-level Markdown summary (infra's `summary.md`); absent when the plan failed before writing it. */
  summaryMarkdown?: string;
  /** `terraform show -json` of the plan, for the resource counts in the heading. */
  planJson?: PlanJsonLike;
  /** `terraform show -no-color` of the plan: the raw plan folded under the summary. */
  planText?: string;
  /** The tail of the failing command's output, shown open when the plan failed. */
  errorLog?: string;
  /** Link back to the workflow run, where the artifacts are. */
  runUrl?: string;
  /** The commit the plan was made from. */
  commitSha?: string;
  /** Name of the uploaded artifact holding the full plan, quoted when the raw plan is cut. */
  artifactName?: string;
  /** Upper bound of the body length; GitHub's limit unless a test wants it smaller. */
  limit?: number;
}

/**
 * Renders the sticky comment body for one stack, never longer than `limit` (the raw plan is cut first, at a line
 * boundary, then the summary; the heading and the marker always survive).
 *
 * @example
 * renderPlanComment({ stack: 'orders-api-dev', ok: true, summaryMarkdown, planJson, planText });
 * // "<!-- portico-plan:orders-api-dev -->\n### ✅ `orders-api-dev`: 3 to add, 0 to change, 0 to destroy\n…"
 */
export function renderPlanComment(input: PlanCommentInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const source = provenance(input);
  const head = `${[planMarker(input.stack), heading(input), ...(source ? [source] : [])].join('\n')}\n\n`;
  const artifactHint = input.artifactName
    ? `the full plan is in the workflow artifact \`${input.artifactName}\``
    : 'the full plan is in the workflow artifacts';

  // `balance` repairs what a cut at a line may break: the summary's folded sections (the cost arithmetic) must close.
  const sections: Array<{ text: string; render: (text: string) => string; balance?: (text: string) => string }> = [];
  if (!input.ok) {
    sections.push({
      text: tidy(input.errorLog ?? '(no output captured)'),
      render: (text) => folded('Error output', text, true),
    });
  }
  if (input.summaryMarkdown !== undefined) {
    sections.push({ text: input.summaryMarkdown.trim(), render: (text) => `${text}\n`, balance: closeDetails });
  }
  if (input.planText !== undefined) {
    sections.push({
      text: tidy(input.planText),
      render: (text) => folded('Raw plan (<code>terraform show</code>)', text, false),
    });
  }

  // Fit from the bottom up: the raw plan is the most expendable part, the error output the least.
  const rendered = sections.map((s) => s.render(s.text));
  let total = head.length + rendered.reduce((n, r) => n + r.length + 1, 0);
  for (let i = sections.length - 1; i >= 0 && total > limit; i--) {
    const section = sections[i]!;
    const current = rendered[i]!;
    const overflow = total - limit;
    const notice = (shown: number, all: number) =>
      `\n… cut to fit GitHub's comment limit: ${shown} of ${all} lines shown; ${artifactHint}.`;
    const allLines = countLines(section.text);
    // Reserve room for the notice with the widest numbers it can hold (a shorter text never needs a longer fence), and
    // for the closing tags a cut inside folded sections needs.
    const closing = section.balance ? section.balance(section.text).length - section.text.length + CLOSE_DETAILS.length * 2 : 0;
    const keep = section.text.length - overflow - notice(allLines, allLines).length - closing;
    const cut = keep > 0 ? cutAtLine(section.text, keep) : '';
    const kept = section.balance ? section.balance(cut) : cut;
    const replaced = section.render(kept + notice(countLines(cut), allLines));
    rendered[i] = replaced;
    total += replaced.length - current.length;
  }
  const body = head + rendered.map((r) => `${r}\n`).join('');
  if (body.length > limit) {
    // Only reachable with a limit smaller than the heading itself; keep the marker so the comment stays sticky.
    return truncateCodeUnits(body, limit);
  }
  return body;
}

function heading(input: PlanCommentInput): string {
  if (!input.ok) return `### ❌ \`${input.stack}\`: plan failed`;
  if (!input.planJson) return `### ✅ \`${input.stack}\`: planned`;
  const c = countPlanChanges(input.planJson);
  if (c.add + c.change + c.destroy === 0) return `### ✅ \`${input.stack}\`: no changes`;
  const destroyWarning = c.destroy > 0 ? ' ⚠️' : '';
  return `### ✅ \`${input.stack}\`: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy${destroyWarning}`;
}

function provenance(input: PlanCommentInput): string | undefined {
  const parts: string[] = [];
  if (input.commitSha) parts.push(`commit \`${input.commitSha.slice(0, 7)}\``);
  if (input.runUrl) parts.push(`[workflow run](${input.runUrl})`);
  return parts.length ? `<sub>${parts.join(' · ')}</sub>` : undefined;
}

/** A `<details>` block whose code fence is longer than any backtick run inside, so the text can't close it. */
function folded(title: string, text: string, open: boolean): string {
  const fence = fenceFor(text);
  return [`<details${open ? ' open' : ''}><summary>${title}</summary>`, '', `${fence}text`, text, fence, '', '</details>'].join(
    '\n',
  );
}

function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

const CLOSE_DETAILS = '\n\n</details>';

/**
 * Markdown cut at a line may end inside a `<details>` block, which would swallow everything after it on GitHub: the
 * missing `</details>` are added. Tags inside code fences are text, not structure, and are not counted.
 * @example closeDetails('<details><summary>How</summary>\n\n- line') // '<details><summary>How</summary>\n\n- line\n\n</details>'
 */
export function closeDetails(markdown: string): string {
  let open = 0;
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence !== undefined) continue;
    open += (line.match(/<details[\s>]/g) ?? []).length;
    open = Math.max(0, open - (line.match(/<\/details>/g) ?? []).length);
  }
  return fence !== undefined || open > 0 ? `${markdown}${fence !== undefined ? `\n${fence}` : ''}${CLOSE_DETAILS.repeat(open)}` : markdown;
}

function countLines(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

/** The longest prefix of whole lines within `max` code units (or a hard cut when the first line alone is longer). */
function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const nl = text.lastIndexOf('\n', max);
  return nl > 0 ? text.slice(0, nl) : truncateCodeUnits(text, max);
}

/** Slices to at most `max` UTF-16 code units without splitting a surrogate pair. */
function truncateCodeUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Terminal colours out, and the blank lines terraform prints around its output. */
function tidy(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/^(\s*\n)+/, '').replace(/\s+$/, '');
}
