// No package of the lock file may leave us only copyleft terms (AGPL, GPL, SSPL): many adopters may not run such code
// in any form, dev tools included. A dual licence with a permissive choice (`MIT OR GPL-3.0-or-later`) is fine.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PROJECT_ROOT = join(__dirname, '..', '..');

/** An SPDX licence expression, parsed: a licence (its `WITH` exception kept in the id) or an AND / OR of expressions. */
type Licence = { id: string } | { op: 'AND' | 'OR'; terms: Licence[] };

/** Parses `MIT`, `(MIT OR Apache-2.0) AND BSD-3-Clause`, `GPL-2.0-only WITH Classpath-exception-2.0`; throws on anything else. */
function parseSpdx(expression: string): Licence {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot read the licence ${JSON.stringify(expression)}: ${why}`);
  };
  const isOperator = (token: string | undefined) => token !== undefined && /^(AND|OR|WITH)$/i.test(token);
  // OR binds looser than AND, as SPDX defines.
  const list = (op: 'AND' | 'OR', term: () => Licence): Licence => {
    const terms = [term()];
    while (tokens[at]?.toUpperCase() === op) {
      at += 1;
      terms.push(term());
    }
    return terms.length === 1 ? terms[0]! : { op, terms };
  };
  const either = (): Licence => list('OR', both);
  const both = (): Licence => list('AND', one);
  const one = (): Licence => {
    const token = tokens[at++];
    if (token === undefined) return fail('it ends where a licence was expected');
    if (token === '(') {
      const inner = either();
      if (tokens[at++] !== ')') fail('a parenthesis is not closed');
      return inner;
    }
    if (token === ')' || isOperator(token)) return fail(`${token} where a licence was expected`);
    if (tokens[at]?.toUpperCase() !== 'WITH') return { id: token };
    const exception = tokens[at + 1];
    if (exception === undefined || exception === '(' || exception === ')' || isOperator(exception)) fail('WITH names no exception');
    at += 2;
    return { id: `${token} WITH ${exception}` };
  };
  const licence = either();
  if (at !== tokens.length) fail(`unexpected ${tokens[at]}`);
  return licence;
}

/** A licence whose terms, however chosen, are copyleft of the kind we refuse (LGPL is not: it starts with L). */
const COPYLEFT = /^(AGPL|GPL|SSPL)(-|\+|$)/i;

/** True when some choice the expression offers avoids AGPL, GPL and SSPL. */
function hasPermissiveChoice(licence: Licence): boolean {
  if ('id' in licence) return !COPYLEFT.test(licence.id);
  return licence.op === 'OR' ? licence.terms.some(hasPermissiveChoice) : licence.terms.every(hasPermissiveChoice);
}

interface LockedPackage {
  license?: unknown;
  link?: boolean;
}

/** A package's licence as its manifest states it: an SPDX string, or the old `{type}` and `licenses: [{type}]` forms. */
function licenceOf(manifest: { license?: unknown; licenses?: unknown }): string | undefined {
  const typeOf = (value: unknown) => (typeof value === 'string' ? value : (value as { type?: string } | undefined)?.type);
  if (manifest.license !== undefined) return typeOf(manifest.license);
  if (Array.isArray(manifest.licenses) && manifest.licenses.length > 0) return manifest.licenses.map(typeOf).join(' OR ');
  return undefined;
}

/** Each package of the lock that leaves only copyleft terms, or whose licence cannot be read, with why. */
function refusedPackages(
  lock: { packages: Record<string, LockedPackage> },
  installedManifest: (path: string) => object | undefined,
): string[] {
  const refused: string[] = [];
  for (const [path, locked] of Object.entries(lock.packages)) {
    if (path === '' || locked.link) continue; // the project itself; a link's target is listed on its own
    const licence = licenceOf(locked) ?? licenceOf(installedManifest(path) ?? {});
    if (licence === undefined) {
      refused.push(`${path}: states no licence (in the lock or its package.json)`);
      continue;
    }
    try {
      if (!hasPermissiveChoice(parseSpdx(licence))) refused.push(`${path}: ${licence}`);
    } catch (error) {
      refused.push(`${path}: ${(error as Error).message}`);
    }
  }
  return refused;
}

function installedManifest(path: string): object | undefined {
  const file = join(PROJECT_ROOT, path, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as object) : undefined;
}

describe('the licences of package-lock.json', () => {
  it('leave a permissive choice for every package', () => {
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
    expect(refusedPackages(lock, installedManifest)).toEqual([]);
  });

  it('would refuse the AGPL policy simulator the local stack once used, and a package stating no licence', () => {
    const lock = {
      packages: {
        '': { license: 'MIT' },
        'node_modules/@cloud-copilot/iam-simulate': { license: 'AGPL-3.0-or-later' },
        'node_modules/case': { license: '(MIT OR GPL-3.0-or-later)' },
        'node_modules/unstated': {},
        'node_modules/old-style': {},
        'node_modules/linked': { link: true },
      },
    };
    const manifests: Record<string, object> = { 'node_modules/old-style': { licenses: [{ type: 'GPL-2.0' }] } };
    expect(refusedPackages(lock, (path) => manifests[path])).toEqual([
      'node_modules/@cloud-copilot/iam-simulate: AGPL-3.0-or-later',
      'node_modules/unstated: states no licence (in the lock or its package.json)',
      'node_modules/old-style: GPL-2.0',
    ]);
  });
});

describe('an SPDX expression', () => {
  it.each([
    ['MIT', true],
    ['Apache-2.0 AND MIT', true],
    ['(MIT OR GPL-3.0-or-later)', true],
    ['MIT or GPL-2.0', true],
    ['LGPL-3.0-only', true],
    ['GPL-2.0-only WITH Classpath-exception-2.0 OR MIT', true],
    ['AGPL-3.0-or-later', false],
    ['GPL-2.0+', false],
    ['GPL', false],
    ['SSPL-1.0', false],
    ['MIT AND GPL-3.0-only', false],
    ['(MIT OR Apache-2.0) AND (GPL-2.0 OR AGPL-3.0)', false],
    ['(MIT OR Apache-2.0) AND (GPL-2.0 OR BSD-3-Clause)', true],
    ['MIT AND (GPL-2.0 OR ISC)', true],
    ['GPL-2.0-only WITH Classpath-exception-2.0', false],
  ])('%s leaves a permissive choice: %s', (expression, permissive) => {
    expect(hasPermissiveChoice(parseSpdx(expression))).toBe(permissive);
  });

  it.each([
    ['SEE LICENSE IN LICENSE.md', /unexpected LICENSE/],
    ['(MIT OR Apache-2.0', /a parenthesis is not closed/],
    ['MIT OR', /it ends where a licence was expected/],
    ['GPL-2.0 WITH', /WITH names no exception/],
    ['', /it ends where a licence was expected/],
  ])('%s is refused as unreadable', (expression, why) => {
    expect(() => parseSpdx(expression)).toThrow(why);
  });
});
