// dynalite ships no types: the part of its API the local DynamoDB server uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

// Its condition expression parser (the key conditions and filters too), which the local server makes remember its parses.
declare module 'dynalite/db/conditionParser' {
  import type { ExpressionParser } from './dynalite-expressions';

  const parser: ExpressionParser;
  export = parser;
}
