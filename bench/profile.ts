// Reads V8 CPU profiles (--cpu-prof) and says where each process spent its CPU: self time grouped by npm
// package, by our own folder (functions/core, local/aws/state-machine, ...), or by V8's own buckets (GC, idle).
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The bucket a function belongs to. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = file.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? 'node_modules');
  }
  if (file.startsWith(PROJECT_ROOT)) return path.dirname(path.relative(PROJECT_ROOT, file));
  return 'other';
}

/** Self time (ms) per category of one profile. */
export function selfTimeByCategory(profile: CpuProfile): Map<string, number> {
  const categoryById = new Map(profile.nodes.map((node) => [node.id, categoryOf(node.callFrame.url, node.callFrame.functionName)]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const category = categoryById.get(id) ?? 'other';
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return totals;
}

/**
 * Which bench process a profile is from, told by what it ran: only a runner makes HTTP calls (undici, the AWS SDK);
 * a runner also loads the fake and dynalite modules (the local stack), so those tell only the other processes.
 */
function processOf(totals: Map<string, number>): string {
  if (totals.has('aws-local-stepfunctions')) return 'runner (state machine + steps)';
  if (totals.has('@smithy/core') || totals.has('undici')) return 'runner';
  if (totals.has('classic-level')) return 'dynalite process';
  if (totals.has('local/fakes/orders-api')) return 'fake orders API process';
  return 'process';
}

export async function summarizeProfiles(files: readonly string[], top = 8): Promise<string[]> {
  const lines: string[] = [];
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (others: tsx's loader thread).
  for (const file of files.filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))) {
    const totals = selfTimeByCategory(JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
    const busy = [...totals].filter(([category]) => category !== '(idle)');
    const busyMs = busy.reduce((sum, [, ms]) => sum + ms, 0);
    const idleMs = totals.get('(idle)') ?? 0;
    const shown = busy
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([category, ms]) => `${category} ${(ms / 1000).toFixed(1)} s (${Math.round((100 * ms) / busyMs)}%)`);
    lines.push(
      `  ${processOf(totals)} (${path.basename(file)}): busy ${(busyMs / 1000).toFixed(1)} s, idle ${(idleMs / 1000).toFixed(1)} s; ${shown.join(', ')}`,
    );
  }
  return lines;
}
