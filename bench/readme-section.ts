// The README's benchmark section, generated from a bench report (`npm run bench -- --readme` writes
// bench/README-section.md for the README's owner to paste).
import { phaseTable, reportFindings, type BenchReport } from './report';

export function readmeSection(report: BenchReport): string {
  const { machine } = report;
  return [
    '## Benchmark',
    '',
    `\`npm run bench\` on ${machine.date.slice(0, 10)}, ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node} ` +
      `(a shared machine: load average ${machine.loadBefore[0]!.toFixed(1)} when it started). ` +
      'The fake orders API and dynalite (on disk) run in processes of their own; "runner" is the process running the state machine and the step handlers.',
    '',
    ...phaseTable([...report.phases, ...(report.smallFullResync ? [report.smallFullResync] : [])]),
    '',
    '```text',
    ...reportFindings(report),
    '```',
    '',
  ].join('\n');
}
