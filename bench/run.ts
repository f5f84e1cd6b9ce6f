// `npm run bench [-- --orders 300000 --page-size 250 --latency 300 --rate 2 ...]`: the source alone, the store
// alone, a full resync and two incremental runs through the local state machine, each group in a fresh runner
// process; prints one table and writes the same figures as JSON to bench/results/<timestamp>.json.
import { fork } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig } from '../functions/config';
import { PAGE_SIZE_MAX } from '../functions/core/limits';
import { childExecArgv } from './ipc';
import { summarizeProfiles } from './profile';
import { buildReport, renderReport, type BenchSettings } from './report';
import { updateReadme } from './readme-section';
import { SHOPIFY_BENCH_DEFAULTS, type ShopifyBenchSettings } from './shopify';
import type { WorkerAnswer, WorkerKind, WorkerRequest } from './worker';

const USAGE = `npm run bench -- [--orders N] [--page-size 1..${PAGE_SIZE_MAX}] [--max-pages N] [--latency MS] [--rate REQUESTS_PER_S] [--rate-window fixed|sliding]
  [--changed N] [--memory-small N (0: skip)] [--day-shop ORDERS_A_DAY (0: skip)] [--phases source,store,sync] [--full-only] [--runner-heap-mb N (0: node's default)]
  [--seed S] [--cpu-prof] [--readme]
npm run bench -- --shopify [--orders N (default 5000)] [--paged-orders N (default 300)] [--bulk-rate ORDERS_PER_S] [--seed S]`;

/**
 * The runner's old-space limit. Left to node's default, V8 grows the heap with the allocation rate of a long run
 * (garbage, not retained data: the live heap after GC stays flat), which makes peak RSS a measure of run length. A
 * fixed limit, the same for every size, makes it a measure of what the steps hold.
 */
const RUNNER_HEAP_MB_DEFAULT = 128;

/** The daily sales' month is asked for a shop of 1,000 orders a day ... */
const DAY_SHOP_ORDERS = 1_000;
/** ... whose 5-minute runs each see about 3.5 changed orders (1,000 a day / 288 runs): 4. */
const DAY_SHOP_CHANGES = 4;

interface Flags extends BenchSettings {
  phases: WorkerKind[];
  /** The sync phase stops after the full resync (no incremental runs, no memory-ratio run): the rate-limit line alone. */
  fullOnly: boolean;
  dayShopOrders: number;
  seed: number;
  cpuProf: boolean;
  readme: boolean;
  runnerHeapMb: number;
}

function parseFlags(argv: string[]): Flags | { shopify: ShopifyBenchSettings } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      orders: { type: 'string' },
      'page-size': { type: 'string' },
      'max-pages': { type: 'string' },
      latency: { type: 'string' },
      rate: { type: 'string' },
      'rate-window': { type: 'string' },
      changed: { type: 'string' },
      'memory-small': { type: 'string' },
      'day-shop': { type: 'string' },
      phases: { type: 'string' },
      'full-only': { type: 'boolean' },
      seed: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      readme: { type: 'boolean' },
      shopify: { type: 'boolean' },
      'paged-orders': { type: 'string' },
      'bulk-rate': { type: 'string' },
      'runner-heap-mb': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const wholeNumber = (name: keyof typeof values, fallback: number, min = 0): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (typeof text !== 'string' || !Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number >= ${min}, got "${String(text)}"\n${USAGE}`);
    return value;
  };
  if (values.shopify) {
    return {
      shopify: {
        orders: wholeNumber('orders', SHOPIFY_BENCH_DEFAULTS.orders, 1),
        pagedOrders: wholeNumber('paged-orders', SHOPIFY_BENCH_DEFAULTS.pagedOrders, 1),
        bulkRate: wholeNumber('bulk-rate', SHOPIFY_BENCH_DEFAULTS.bulkRate, 1),
        seed: wholeNumber('seed', SHOPIFY_BENCH_DEFAULTS.seed),
      },
    };
  }
  // The functions' own defaults (PAGE_SIZE, MAX_PAGES_PER_EXECUTION), read from the config schema, not copied.
  const defaults = parseConfig({});
  const phases = (values.phases ?? 'source,store,sync').split(',').map((name) => name.trim()) as WorkerKind[];
  for (const phase of phases)
    if (!['source', 'store', 'sync'].includes(phase)) throw new Error(`--phases takes source, store, sync; got "${phase}"\n${USAGE}`);
  const pageSize = wholeNumber('page-size', defaults.PAGE_SIZE, 1);
  if (pageSize > PAGE_SIZE_MAX)
    throw new Error(`--page-size must be at most ${PAGE_SIZE_MAX} (docs/source-contract.md "GET /orders"), got ${pageSize}`);
  const rate = wholeNumber('rate', 0);
  const rateWindow = values['rate-window'] ?? 'fixed';
  if (rateWindow !== 'fixed' && rateWindow !== 'sliding')
    throw new Error(`--rate-window takes fixed or sliding, got "${rateWindow}"\n${USAGE}`);
  return {
    orders: wholeNumber('orders', 300_000, 1),
    pageSize,
    maxPagesPerExecution: wholeNumber('max-pages', defaults.MAX_PAGES_PER_EXECUTION, 1),
    latencyMs: wholeNumber('latency', 0),
    rateLimitPerSecond: rate > 0 ? rate : null,
    rateWindow,
    changedOrders: wholeNumber('changed', 100),
    memorySmallOrders: values['full-only'] ? 0 : wholeNumber('memory-small', 30_000),
    dayShopOrders: values['full-only'] ? 0 : wholeNumber('day-shop', DAY_SHOP_ORDERS),
    phases,
    fullOnly: values['full-only'] ?? false,
    seed: wholeNumber('seed', 1),
    cpuProf: values['cpu-prof'] ?? false,
    readme: values.readme ?? false,
    runnerHeapMb: wholeNumber('runner-heap-mb', RUNNER_HEAP_MB_DEFAULT),
  };
}

/**
 * The shop's products and customers beside its orders: a tenth and a third as many (a shop sells fewer products than
 * it has orders, and most buyers come back), never fewer than twice the changes a run makes.
 */
export function otherStreamsOf(orders: number, changed: number): { products: number; customers: number } {
  return { products: Math.max(2 * changed, Math.round(orders / 10)), customers: Math.max(2 * changed, Math.round(orders / 3)) };
}

/** Runs one worker process to its end and returns its figures. */
function runWorker(request: WorkerRequest, profileArgv: string[], heapArgv: string[]): Promise<WorkerAnswer> {
  const worker = fork(path.join(__dirname, 'worker.ts'), [], {
    // --expose-gc: each phase ends with one full GC to read the live heap it left (after its time is taken).
    execArgv: childExecArgv(['--expose-gc', ...heapArgv, ...profileArgv]),
    // One JSON log line per page would drown the table; warnings and errors still show.
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<WorkerAnswer>((resolve, reject) => {
    let answer: { ok?: boolean; answer?: WorkerAnswer; error?: string } | undefined;
    worker.on('message', (message: { ready?: boolean; ok?: boolean; answer?: WorkerAnswer; error?: string }) => {
      if (message.ready) worker.send(request);
      else answer = message;
    });
    // Resolved on exit, not on the answer: a --cpu-prof profile is written while the process exits.
    worker.once('exit', (code) => {
      if (answer?.ok) resolve(answer.answer!);
      else reject(new Error(`bench worker (${request.kind}) failed (exit code ${code}): ${answer?.error ?? 'no answer'}`));
    });
  });
}

/** The Shopify comparison (bench/shopify.ts) in a child process: two local stacks one after the other. */
function runShopifyBenchProcess(settings: ShopifyBenchSettings): Promise<void> {
  const child = fork(path.join(__dirname, 'shopify.ts'), [JSON.stringify(settings)], {
    execArgv: childExecArgv([]),
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN' },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the Shopify bench failed (exit code ${code})`))));
  });
}

async function main(): Promise<void> {
  const parsed = parseFlags(process.argv.slice(2));
  // The Shopify comparison runs in this process: two local stacks one after the other, each a few minutes at most.
  if ('shopify' in parsed) return runShopifyBenchProcess(parsed.shopify);
  const flags = parsed;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(__dirname, 'results');
  const profileDir = path.join(resultsDir, `profiles-${stamp}`);
  const profileArgv = flags.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const loadBefore = os.loadavg();
  const request = (kind: WorkerKind, orders: number, fullOnly: boolean): WorkerRequest => ({
    kind,
    orders,
    seed: flags.seed,
    pageSize: flags.pageSize,
    maxPagesPerExecution: flags.maxPagesPerExecution,
    faults: { latencyMs: flags.latencyMs, rateLimitPerSecond: flags.rateLimitPerSecond, rateWindow: flags.rateWindow ?? 'fixed' },
    changedOrders: flags.changedOrders,
    otherStreams: otherStreamsOf(orders, flags.changedOrders),
    fullOnly,
    dailySalesOff: kind === 'sync' && !fullOnly,
    childExecArgv: profileArgv,
  });

  const heapArgv = flags.runnerHeapMb > 0 ? [`--max-old-space-size=${flags.runnerHeapMb}`] : [];
  const answers: WorkerAnswer[] = [];
  for (const kind of flags.phases) {
    console.error(`bench: ${kind} phase(s), ${flags.orders} orders ...`);
    answers.push(await runWorker(request(kind, flags.orders, flags.fullOnly), profileArgv, heapArgv));
  }
  let small: WorkerAnswer | undefined;
  if (flags.phases.includes('sync') && flags.memorySmallOrders > 0 && flags.memorySmallOrders !== flags.orders) {
    console.error(`bench: full resync of ${flags.memorySmallOrders} orders in a fresh process (memory ratio) ...`);
    small = await runWorker(request('sync', flags.memorySmallOrders, true), profileArgv, heapArgv);
  }

  if (flags.phases.includes('sync') && flags.dayShopOrders > 0) {
    console.error(`bench: a shop of ${flags.dayShopOrders} orders a day, ${DAY_SHOP_CHANGES} changes a run, daily sales on and off ...`);
    const dayShop = await runWorker(
      {
        ...request('sync', flags.dayShopOrders, false),
        dayShop: { ordersPerDay: flags.dayShopOrders, changes: DAY_SHOP_CHANGES },
        changedOrders: DAY_SHOP_CHANGES,
      },
      profileArgv,
      heapArgv,
    );
    answers.push(dayShop);
  }

  const sizing = answers.find((answer) => answer.sizing)?.sizing ?? small?.sizing ?? {};
  const diskNotes = answers
    .filter((answer) => answer.dynaliteDiskBytes !== undefined)
    .map(
      (answer) =>
        `dynalite's LevelDB folder ended at ${Math.round(answer.dynaliteDiskBytes! / 1024 / 1024)} MB (${answer.results.map((result) => result.phase).join(', ')})`,
    );
  const report = buildReport({
    settings: flags,
    machine: {
      date: new Date().toISOString(),
      host: os.hostname(),
      cpus: `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
      memoryGb: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      loadBefore,
      loadAfter: os.loadavg(),
    },
    phases: answers.flatMap((answer) => answer.results),
    ...(small ? { smallFullResync: small.results[0]! } : {}),
    sizing,
    notes: [
      'each phase group ran in a fresh runner process; the fake orders API and dynalite ran in child processes of their own (RSS per process)',
      'the sync runner holds the synthesized template (synthesized in a child process); each function runs in a worker thread of it (its RSS includes them)',
      flags.runnerHeapMb > 0
        ? `runner processes ran with --max-old-space-size=${flags.runnerHeapMb} (--runner-heap-mb; 0 for node's default)`
        : "runner processes ran with node's default heap limit",
      ...diskNotes,
    ],
  });
  const printed = renderReport(report);
  console.log(printed);

  await mkdir(resultsDir, { recursive: true });
  const jsonPath = path.join(resultsDir, `${stamp}.json`);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nfigures written to ${path.relative(process.cwd(), jsonPath)}`);
  if (flags.cpuProf) {
    const files = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
    console.log(`\nCPU profiles (${profileDir}):`);
    for (const line of await summarizeProfiles(files.map((name) => path.join(profileDir, name)))) console.log(line);
  }
  if (flags.readme) {
    await writeFile(path.join(__dirname, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    updateReadme(report);
    console.log('README.md benchmark figures and bench/latest.json updated');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
