/**
 * The store every variant calls: fixed data, returned synchronously, no I/O and no mutation.
 *
 * The HTTP benchmark measures framework overhead (routing, parsing, errors, CORS, result shaping), not DynamoDB, so
 * the business work is the same few property reads in every variant and costs next to nothing. This stub exists only
 * in the benchmark; the real users-api talks to DynamoDB.
 */
import * as v from 'valibot';

export interface User {
  id: string;
  name: string;
  email?: string;
}

/** One request-body schema shared by every variant, so validation work is identical and only the framework differs. */
export const CreateUser = v.object({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  email: v.optional(v.pipe(v.string(), v.email())),
});
export type CreateUserInput = v.InferOutput<typeof CreateUser>;

const USERS: readonly User[] = [
  { id: 'u-1', name: 'Alice', email: 'alice@example.com' },
  { id: 'u-2', name: 'Bob', email: 'bob@example.com' },
];

// The id a create returns is fixed so every variant produces byte-identical bodies.
const CREATED_ID = 'u-3';

export const store = {
  list(limit: number): { items: readonly User[]; cursor: string | null } {
    return { items: limit >= USERS.length ? USERS : USERS.slice(0, limit), cursor: null };
  },
  get(id: string): User | undefined {
    return USERS.find((u) => u.id === id);
  },
  create(input: CreateUserInput): User {
    return { id: CREATED_ID, ...input };
  },
  search(q: string, limit: number): User[] {
    const needle = q.toLowerCase();
    return USERS.filter((u) => u.name.toLowerCase().includes(needle)).slice(0, limit);
  },
};

/** Parses `limit` the same way in every variant: default 10, 1..100, anything else is a client error. */
export function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
}

/** CORS policy shared by every variant: one allowed origin, the methods and headers the users API needs. */
export const CORS = {
  origin: 'https://app.example.com',
  methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  headers: ['content-type', 'x-api-key'],
  maxAge: 600,
} as const;
