/** Small helpers shared by the benchmark scripts: process timing, medians, Markdown tables. */
import { spawn } from 'node:child_process';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Timed {
  wallNs: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs `node <args>` to completion, timing spawn→exit from the parent (what a cold start costs end to end). */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ wallNs: Number(process.hrtime.bigint() - start), stdout, stderr, code }));
  });
}

export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? 'r') === 'l' ? ':--' : '--:'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
export const ms = (ns: number): string => (ns / 1e6).toFixed(2);
export const us = (ns: number): string => (ns / 1e3).toFixed(2);
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pass = (ok: boolean): string => (ok ? '**pass**' : '**FAIL**');
