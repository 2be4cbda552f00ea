/**
 * The same three schemas with no library: each a Standard Schema object over plain checks. The floor the libraries
 * are measured against, not something to ship (no JSON Schema for the gateway model or the OpenAPI document).
 */
import { codePoints, CURSOR, hasVisible, isPrintable, isWellFormed, LIMIT } from './text-rules';

type Issue = { message: string; path?: [string] };
type Result<T> = { value: T } | { issues: Issue[] };
type Check = (value: Record<string, unknown>, issues: Issue[]) => Record<string, unknown>;

const EMAIL = /^[\w+-]+(?:\.[\w+-]+)*@[\da-z]+(?:[.-][\da-z]+)*\.[a-z]{2,}$/iu;

function schema<T>(check: Check, strictKeys?: readonly string[]) {
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'hand-written',
      validate(input: unknown): Result<T> {
        if (typeof input !== 'object' || input === null || Array.isArray(input)) return { issues: [{ message: 'must be an object' }] };
        const issues: Issue[] = [];
        const record = input as Record<string, unknown>;
        if (strictKeys) for (const key of Object.keys(record)) if (!strictKeys.includes(key)) issues.push({ message: 'unknown key', path: [key] });
        const value = check(record, issues);
        return issues.length ? { issues } : { value: value as T };
      },
    },
  };
}

function optionalText(record: Record<string, unknown>, key: string, issues: Issue[], rule: RegExp, message: string): void {
  const value = record[key];
  if (value === undefined) return;
  if (typeof value !== 'string' || !rule.test(value)) issues.push({ message, path: [key] });
}

export const CreateUserBody = schema<{ name: string; email?: string }>((record, issues) => {
  let name = record.name;
  if (typeof name !== 'string') issues.push({ message: 'must be a string', path: ['name'] });
  else if (codePoints(name) > 100) issues.push({ message: 'must be at most 100 characters', path: ['name'] });
  else {
    name = name.trim();
    const text = name as string;
    if (text === '') issues.push({ message: 'must not be blank', path: ['name'] });
    if (!isWellFormed(text)) issues.push({ message: 'must be well-formed Unicode text', path: ['name'] });
    else if (!isPrintable(text)) issues.push({ message: 'must be printable text', path: ['name'] });
    else if (!hasVisible(text)) issues.push({ message: 'must contain a visible character', path: ['name'] });
  }
  const email = record.email;
  if (email !== undefined && (typeof email !== 'string' || codePoints(email) > 254 || !EMAIL.test(email))) {
    issues.push({ message: 'must be an email address', path: ['email'] });
  }
  return email === undefined ? { name } : { name, email };
}, ['name', 'email']);

export const ListQuery = schema<{ limit?: string; cursor?: string }>((record, issues) => {
  optionalText(record, 'limit', issues, LIMIT, 'must be a whole number from 1 to 100');
  optionalText(record, 'cursor', issues, CURSOR, 'must be a nextCursor value');
  return record;
});

export const SearchQuery = schema<{ q: string; limit?: string }>((record, issues) => {
  const q = record.q;
  if (typeof q !== 'string') issues.push({ message: 'q is required', path: ['q'] });
  else if (q === '') issues.push({ message: 'must not be empty', path: ['q'] });
  else if (codePoints(q) > 100) issues.push({ message: 'must be at most 100 characters', path: ['q'] });
  else if (!isWellFormed(q)) issues.push({ message: 'must be well-formed Unicode text', path: ['q'] });
  optionalText(record, 'limit', issues, LIMIT, 'must be a whole number from 1 to 100');
  return record;
});
