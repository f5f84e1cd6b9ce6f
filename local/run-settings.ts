// The run settings `npm start` takes from its own environment for the local functions, as CDK context sets them in
// AWS (docs/configuration.md): checked by the functions' own schema before anything starts.
import { parseConfig } from '../functions/config';

/** The settings passed on; the others come from the synthesized template (the CDK defaults) or a flag. */
export const PASSED_RUN_SETTINGS = [
  'OVERLAP_SECONDS',
  'LOOKBACK_SECONDS',
  'LOOKBACK_EVERY_SECONDS',
  'LEASE_SECONDS',
  'RECONCILE_AFTER_FULL_RESYNC',
  'SHOP_TIME_ZONE',
  'DAILY_SALES',
] as const;

/** Those of PASSED_RUN_SETTINGS the environment sets; a ConfigError naming each wrong one. */
export function runSettingsFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const settings = Object.fromEntries(PASSED_RUN_SETTINGS.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
  parseConfig(settings);
  return settings;
}
