// The one logger (Powertools, JSON lines). Handlers append the run's keys; the core receives `log`, its Log port.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from './core/ports';
import { SYNC_METRICS } from './metric-names';

export const logger = new Logger({ serviceName: SYNC_METRICS.service });

/** The core's Log port over the Powertools logger. */
export const log: Log = {
  debug: (message, fields) => (fields ? logger.debug(message, fields) : logger.debug(message)),
  info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
  warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
  error: (message, fields) => (fields ? logger.error(message, fields) : logger.error(message)),
};
