/**
 * Gives a partner a new token, or turns a token off or on, in a stage's partners table. The token is printed once and
 * never stored (the table keeps its SHA-256, `src/partners.ts`); hand it to the partner, and keep the hash printed
 * beside it to turn the token off later.
 *
 *   PARTNERS_TABLE=avatars-api-prod-partners pnpm --filter @portico/avatars-api partner:token \
 *     --id acme --name "Acme Avatars" [--user u1 --user u2] [--prefix acme-]
 *   PARTNERS_TABLE=… pnpm --filter @portico/avatars-api partner:token --deactivate <hash> (or --activate <hash>)
 *
 * The table and the account come from the environment as the functions read them (`PARTNERS_TABLE`, `AWS_REGION`,
 * credentials, `AWS_ENDPOINT_URL_DYNAMODB` for a local table such as `pnpm dev`'s).
 */
import { parseArgs } from 'node:util';
import { createPartnerStore } from '../src/partners';

const { values } = parseArgs({
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    user: { type: 'string', multiple: true },
    prefix: { type: 'string' },
    deactivate: { type: 'string' },
    activate: { type: 'string' },
  },
});

const partners = createPartnerStore();
const toggle = values.deactivate ?? values.activate;
if (toggle !== undefined) {
  const active = values.activate !== undefined;
  if (!(await partners.setActive(toggle, active))) {
    console.error(`No token with hash ${toggle} in ${partners.tableName}`);
    process.exit(1);
  }
  console.log(`${active ? 'activated' : 'deactivated'} ${toggle} in ${partners.tableName} (cached answers expire within the authorizer's result TTL)`);
} else {
  if (values.id === undefined || values.name === undefined) {
    console.error('Give --id and --name (and --user or --prefix to limit the partner), or --deactivate/--activate <hash>');
    process.exit(2);
  }
  const added = await partners
    .add({
      partnerId: values.id,
      name: values.name,
      ...(values.user !== undefined ? { userIds: values.user } : {}),
      ...(values.prefix !== undefined ? { userIdPrefix: values.prefix } : {}),
    })
    .catch((error: unknown) => {
      // A partner the store refuses: its message names the field; no stack for a typo.
      if (!(error instanceof TypeError)) throw error;
      console.error(error.message);
      process.exit(2);
    });
  const { token, tokenHash, partner } = added;
  console.log(`partner ${partner.partnerId} (${partner.name}) in ${partners.tableName}`);
  console.log(`token (shown once, send as Authorization: Bearer <token>): ${token}`);
  console.log(`hash (to deactivate it): ${tokenHash}`);
}
