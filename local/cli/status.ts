// `npm run status`: the status route (GET /api/sync/status), readable; `--json` prints the route's JSON as it is.
import type { SyncStatus } from '../../functions/core/status';
import { apiTarget, callApi, CliError, DEFAULT_API_URL, errorMessage, parseFlags, runCli } from './common';
import { formatStatus } from './views';

const USAGE = `usage: npm run status [-- options]
  --json             the route's JSON, for scripts
  --api-url URL      the HTTP API (default ${DEFAULT_API_URL}, or ORDER_SYNC_API_URL)
  --profile NAME     a deployed stack: sign with this AWS profile (SigV4, IAM auth); any non-local URL is signed
                     with the SDK's default credential chain (AWS_PROFILE, env keys, SSO, instance role)
  --region REGION    when the URL does not say it (execute-api URLs do)`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(
    args,
    { json: { type: 'boolean' }, 'api-url': { type: 'string' }, profile: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean' } },
    USAGE,
  );
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const target = apiTarget(flags['api-url'] ?? process.env.ORDER_SYNC_API_URL ?? DEFAULT_API_URL, flags.profile, flags.region);
  const answer = await callApi(target, 'GET', '/api/sync/status');
  if (answer.status !== 200) throw new CliError(`the status route answered ${answer.status}: ${errorMessage(answer)}`);
  console.log(flags.json ? JSON.stringify(answer.body, null, 2) : formatStatus(answer.body as SyncStatus, Date.now()));
  return 0;
}

runCli(main);
