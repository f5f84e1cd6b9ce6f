// The status route's composition: the stream's state and its quarantine's newest index, read only.
import { config } from '../config';
import type { StatusDeps } from '../core/status';
import { oncePerStream } from './once';
import { documentClient, quarantineStore, syncStateStore } from './stores';

export const statusDeps = oncePerStream((stream): StatusDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: { stream, autoResumes: cfg.FULL_RESYNC_AUTO_RESUMES },
    state: syncStateStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    clock: Date.now,
  };
});
