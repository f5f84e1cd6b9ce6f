// The one Powertools Tracer (X-Ray). It turns itself off outside Lambda (no AWS_EXECUTION_ENV), so local runs and
// tests neither send segments nor complain about a missing trace context.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SYNC_METRICS } from './metric-names';

export const tracer = new Tracer({ serviceName: SYNC_METRICS.service });

/** An AWS SDK v3 client whose calls show as subsegments (unchanged when tracing is off). */
export function traced<Client extends object>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
