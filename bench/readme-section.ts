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

// `npx tsx bench/readme-section.ts bench/latest.json`: the section again from a saved report, without a new run.
if (require.main === module) {
  const [, , reportPath] = process.argv;
  if (!reportPath) throw new Error('usage: tsx bench/readme-section.ts <report.json>');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readFileSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  writeFileSync(`${__dirname}/README-section.md`, readmeSection(JSON.parse(readFileSync(reportPath, 'utf8')) as BenchReport));
  console.log('bench/README-section.md written');
}
