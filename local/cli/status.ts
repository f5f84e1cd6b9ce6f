// `npm run status`: the status route (GET /api/sync/status), readable; `--json` prints the route's JSON as it is.
import type { SyncStatus } from '../../functions/core/status';
import { API_TARGET_FLAGS, API_TARGET_USAGE, apiTargetFrom, callApi, CliError, errorMessage, parseFlags, runCli } from './common';
import { formatStatus } from './views';

const USAGE = `usage: npm run status [-- options]
  --json             the route's JSON, for scripts
${API_TARGET_USAGE}`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, { json: { type: 'boolean' }, ...API_TARGET_FLAGS, help: { type: 'boolean' } }, USAGE);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const target = apiTargetFrom(flags);
  const answer = await callApi(target, 'GET', '/api/sync/status');
  if (answer.status !== 200) throw new CliError(`the status route answered ${answer.status}: ${errorMessage(answer)}`);
  console.log(flags.json ? JSON.stringify(answer.body, null, 2) : formatStatus(answer.body as SyncStatus, Date.now()));
  return 0;
}

runCli(main);
