// The triggers' composition (HTTP API, schedule): the lease on the sync-state item and the state machine.
import { SFNClient } from '@aws-sdk/client-sfn';
import { localEndpointCredentials } from '../adapters/aws/local-credentials';
import { SfnExecutionStarter } from '../adapters/aws/sfn-execution-starter';
import { config, required } from '../config';
import { PAGE_STEP_TIMEOUT_SECONDS } from '../core/limits';
import type { StartDeps } from '../core/use-cases/start-run';
import { log } from '../logger';
import { traced } from '../tracer';
import { oncePerStream } from './once';
import { documentClient, syncStateStore } from './stores';

export const startDeps = oncePerStream((stream): StartDeps => {
  const cfg = config();
  const { STATE_MACHINE_ARN } = required(cfg, 'STATE_MACHINE_ARN');
  const machines = { standard: STATE_MACHINE_ARN, ...(cfg.EXPRESS_STATE_MACHINE_ARN ? { express: cfg.EXPRESS_STATE_MACHINE_ARN } : {}) };
  const sfn = traced(
    new SFNClient({
      region: cfg.AWS_REGION,
      ...(cfg.SFN_ENDPOINT ? { endpoint: cfg.SFN_ENDPOINT, credentials: localEndpointCredentials() } : {}),
    }),
  );
  return {
    settings: {
      stream,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      stepTimeoutMs: PAGE_STEP_TIMEOUT_SECONDS * 1000,
      autoResumes: cfg.FULL_RESYNC_AUTO_RESUMES,
    },
    state: syncStateStore(cfg, documentClient(cfg)),
    starter: new SfnExecutionStarter(sfn, machines),
    clock: Date.now,
    log,
  };
});
