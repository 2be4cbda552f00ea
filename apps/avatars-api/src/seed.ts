/**
 * `pnpm dev` seeds empty tables with this: one avatar, a 16x16 PNG for the users API's seeded Alice, so
 * `GET /avatars/<her id>` has bytes to return from the first request; and one partner, holding a fixed token, so the
 * README's uploads work as written.
 */
import { createDynamoDb } from '@portico/dynamodb';
import { checkImage } from './image';
import { PartnerStore } from './partners';
import { AvatarStore } from './store';

/** The users API's seeded Alice (apps/users-api/src/seed.ts): the avatars belong to its users. */
export const SEED_USER_ID = '0b6f3c5e-8a1d-4c2b-9e7f-1a2b3c4d5e6f';

/** A 16x16 PNG, a teal square: small enough to read, a real image to any decoder. */
export const SEED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFUlEQVR42mNgaGggDY1qGNUwfDUAAJn5ABDeJGvjAAAAAElFTkSuQmCC',
  'base64',
);

/** The dev partner: it may write every user's avatar. */
export const DEV_PARTNER = { partnerId: 'dev-partner', name: 'Dev Partner' } as const;

/**
 * The dev partner's token, fixed and published so curl examples work: it exists only in the tables `pnpm dev`
 * seeds (a deployed stage's partners table holds the hashes of tokens minted by `scripts/partner-token.ts`).
 */
export const DEV_PARTNER_TOKEN = 'ptk_DEV-ONLY-avatars-partner-token-not-a-secret';

/** What `pnpm dev` hands a seed. */
export interface SeedContext {
  readonly tables: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly region: string;
}

export default async function seed({ tables, endpoint, region }: SeedContext): Promise<string> {
  const env = { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  const db = createDynamoDb({ env });
  try {
    const checked = checkImage(SEED_PNG, 'image/png');
    if (!checked.ok) throw new Error(`the seed avatar is not a PNG: ${checked.reason}`);
    await new AvatarStore(db, tables.avatars!).put({
      userId: SEED_USER_ID,
      contentType: 'image/png',
      image: SEED_PNG,
      width: checked.width,
      height: checked.height,
      uploadedBy: { partnerId: DEV_PARTNER.partnerId, name: DEV_PARTNER.name },
    });
    await new PartnerStore(db, tables.partners!).add(DEV_PARTNER, { token: DEV_PARTNER_TOKEN });
  } finally {
    db.close();
  }
  return `seeded an avatar for ${SEED_USER_ID}; partner ${DEV_PARTNER.partnerId}, token ${DEV_PARTNER_TOKEN} (Authorization: Bearer <token>)`;
}
