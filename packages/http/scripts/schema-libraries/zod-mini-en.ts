/** `zod-mini.ts` with zod's English messages configured, as an API whose clients read the messages would ship it. */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { CreateUserBody, ListQuery, SearchQuery } from './zod-mini';
