// The status route's composition: the stream's state and its quarantine's newest index, read only.
import { config } from '../config';
import type { StatusDeps } from '../core/status';
import { once } from './once';
import { documentClient, quarantineStore, syncStateStore } from './stores';

export const statusDeps = once((): StatusDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: { stream: cfg.STREAM, autoResumes: cfg.FULL_RESYNC_AUTO_RESUMES },
    state: syncStateStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    clock: Date.now,
  };
});
