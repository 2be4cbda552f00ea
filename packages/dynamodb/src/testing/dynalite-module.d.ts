// dynalite ships no types; this is the part of its API the tests and scripts use.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    /** Serve HTTPS (then `server` is an https.Server) with this key and certificate (PEM). */
    ssl?: boolean;
    key?: string;
    cert?: string;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
