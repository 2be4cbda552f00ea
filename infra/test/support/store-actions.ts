/**
 * The DynamoDB IAM actions the users-api store needs, computed from its source: the operations it sends through
 * `this.send('<Operation>', …)` (or, for an SDK-based store, the commands it imports from `@aws-sdk/lib-dynamodb`
 * and sends through `this.doc.send(new …)`). Local-only helpers in the same file (creating the table for dev) call
 * their client directly and are not the function's business.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Command (without the `Command` suffix) → the IAM actions it needs on the table. */
const ACTIONS_OF_COMMAND: Readonly<Record<string, readonly string[]>> = {
  Get: ['dynamodb:GetItem'],
  GetItem: ['dynamodb:GetItem'],
  Put: ['dynamodb:PutItem'],
  PutItem: ['dynamodb:PutItem'],
  Delete: ['dynamodb:DeleteItem'],
  DeleteItem: ['dynamodb:DeleteItem'],
  Update: ['dynamodb:UpdateItem'],
  UpdateItem: ['dynamodb:UpdateItem'],
  Query: ['dynamodb:Query'],
  Scan: ['dynamodb:Scan'],
  BatchGet: ['dynamodb:BatchGetItem'],
  BatchGetItem: ['dynamodb:BatchGetItem'],
  BatchWrite: ['dynamodb:BatchWriteItem'],
  BatchWriteItem: ['dynamodb:BatchWriteItem'],
  DescribeTable: ['dynamodb:DescribeTable'],
};

/** The store's source file, found through the package (never a path tied to this checkout). */
export function storeSourcePath(): string {
  return join(dirname(require.resolve('@portico/users-api/routes')), 'store.ts');
}

/** Command names (`GetCommand`, …) the store uses against the table. */
export function storeCommands(source = readFileSync(storeSourcePath(), 'utf8')): string[] {
  const commands = new Set<string>();
  for (const [, names] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]@aws-sdk\/lib-dynamodb['"]/g)) {
    for (const name of names!.split(',').map((n) => n.trim())) {
      if (/^\w+Command$/.test(name)) commands.add(name);
    }
  }
  for (const [, name] of source.matchAll(/this\.doc\.send\(\s*new\s+(\w+Command)\b/g)) commands.add(name!);
  // The store's own client names the operation: `this.send('GetItem', …)`.
  for (const [, name] of source.matchAll(/this\.send\(\s*['"](\w+)['"]/g)) commands.add(`${name!}Command`);
  return [...commands].sort();
}

/** The IAM actions the store's commands need, sorted; throws on a command this table doesn't know yet. */
export function storeTableActions(commands = storeCommands()): string[] {
  const actions = new Set<string>();
  for (const command of commands) {
    const mapped = ACTIONS_OF_COMMAND[command.replace(/Command$/, '')];
    if (!mapped) {
      throw new Error(`The store uses ${command}: add its IAM action(s) to ACTIONS_OF_COMMAND in store-actions.ts`);
    }
    for (const action of mapped) actions.add(action);
  }
  return [...actions].sort();
}
