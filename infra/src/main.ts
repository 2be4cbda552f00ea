/** `pnpm synth`: every stack, from the real route table and the built Lambda zip. */
import { synthesizeFromEnv } from './app';

await synthesizeFromEnv(process.env);
