// What an operator would get, shown by the local stack: the topic's notifications (a failed execution's, from the
// failure rule; the orders a run newly quarantined, from the state machine's SNS Publish) and one metrics line per run
// instead of an EMF document per page. Tests take the signals themselves.
import { logger } from '../../functions/logger';
import { metrics, type EmfOutput } from '../../functions/metrics';
import type { CloudFormationTemplate } from '../../infra/synth';
import { failureRuleOf, notificationFor } from './notifications';
import { formatRunMetrics, RunMetricsCollector, type RunMetricsReport } from './run-metrics';
import type { ExecutionRecord } from './state-machine/local-state-machine';
import type { PublishedMessage } from './state-machine/task-bindings';

/** Where the local stack sends the operator's signals. Each one is optional. */
export interface OperationsSink {
  /**
   * The topic got a message, exactly as it gets it in AWS: an execution ended failed, timed out or aborted (the
   * failure rule's text, no subject), or a committed run announced the orders it newly quarantined (with a subject).
   */
  notification?(text: string, execution: ExecutionRecord, subject?: string): void;
  /** A run committed or failed: the metrics it emitted. */
  runMetrics?(report: RunMetricsReport): void;
  /** Every metrics flush (one per step invocation that emitted any), as Powertools would print it in Lambda. */
  emf?(emf: EmfOutput): void;
}

/**
 * The default: both printed on stdout, a notification as a framed block, a run's metrics as one line. Quiet while
 * the logger is SILENT (the tests' default), so the one setting that silences the functions silences these too.
 */
export function printedOperations(write: (text: string) => void = (text) => process.stdout.write(`${text}\n`)): OperationsSink {
  const print = (text: string) => {
    if (logger.getLevelName() !== 'SILENT') write(text);
  };
  return {
    notification: (text, execution, subject) => print(`── notification (${subject ?? execution.status}) ──\n${text}\n──`),
    runMetrics: (report) => print(formatRunMetrics(report)),
  };
}

export interface LocalOperations {
  /** Give it every ended execution: it notifies for those the failure rule matches. */
  executionEnded(record: ExecutionRecord): void;
  /** Give it what the state machine published to the topic. */
  published(published: PublishedMessage, record: ExecutionRecord): void;
  /** Metrics flushes go back to stdout. */
  stop(): void;
}

/**
 * Takes the failure rule from the synthesized template and diverts the metrics flushes of this process to `sink`.
 * One local stack per process: the metrics instance is the functions' singleton, as in a Lambda container.
 */
export function startLocalOperations(template: CloudFormationTemplate, sink: OperationsSink = printedOperations()): LocalOperations {
  const rule = failureRuleOf(template);
  const collector = new RunMetricsCollector((report) => sink.runMetrics?.(report));
  metrics.divertTo((emf) => {
    sink.emf?.(emf);
    collector.receive(emf);
  });
  return {
    executionEnded(record) {
      const text = notificationFor(rule, record);
      if (text !== undefined) sink.notification?.(text, record);
    },
    published(published, record) {
      sink.notification?.(published.message, record, published.subject);
    },
    stop() {
      metrics.divertTo(undefined);
    },
  };
}
