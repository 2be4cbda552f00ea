import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  /** stdout and stderr interleaved as they came, for logs and error comments. */
  output: string;
  stdout: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Echo the output live (CI logs) as well as capturing it. @default true */
  echo?: boolean;
}

/** Runs a command without a shell, capturing its output; resolves with the exit code instead of throwing. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const all: Buffer[] = [];
    const out: Buffer[] = [];
    const echo = options.echo ?? true;
    child.stdout.on('data', (chunk: Buffer) => {
      all.push(chunk);
      out.push(chunk);
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      all.push(chunk);
      if (echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        output: Buffer.concat(all).toString('utf8'),
        stdout: Buffer.concat(out).toString('utf8'),
      }),
    );
  });
}

/** The last `maxLines` lines of a log: where terraform and turbo put the error that matters. */
export function tail(text: string, maxLines = 80): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.length <= maxLines ? lines.join('\n') : [`… (${lines.length - maxLines} earlier lines)`, ...lines.slice(-maxLines)].join('\n');
}
