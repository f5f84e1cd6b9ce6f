// One schema per setting (functions/settings.ts) serves the CDK context, the functions' environment and npm start's
// flags: the three read a value alike, refuse it alike, and docs/configuration.md documents every one as the schema has it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../functions/config';
import { readSetting, SETTINGS, settingsWith } from '../../functions/settings';
import { readSettings } from '../../infra/settings';

const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

/** The table row of docs/configuration.md whose first cell is `name`, split into its cells. */
function docsRow(name: string): string[] | undefined {
  const line = docs.split('\n').find((row) => row.startsWith(`| \`${name}\` |`));
  return line?.split(' | ').map((cell) => cell.replace(/^\| |`/g, '').trim());
}

describe('a setting, read from whatever carries it', () => {
  it('takes text for numbers and booleans (-c, flags, variables) and JSON values (cdk.json) alike, empty as unset', () => {
    expect(readSetting(SETTINGS.pageSize, '50', 'x')).toEqual({ ok: true, value: 50 });
    expect(readSetting(SETTINGS.pageSize, 50, 'x')).toEqual({ ok: true, value: 50 });
    expect(readSetting(SETTINGS.pageSize, '', 'x')).toEqual({ ok: true, value: SETTINGS.pageSize.default });
    expect(readSetting(SETTINGS.reconcileAfterFullResync, 'false', 'x')).toEqual({ ok: true, value: false });
    expect(readSetting(SETTINGS.reconcileAfterFullResync, false, 'x')).toEqual({ ok: true, value: false });
  });

  it('refuses the same value the same way in each layer, naming it where it was set', () => {
    expect(() => readSettings((key) => ({ pageSize: '300' })[key], 600)).toThrow(
      'context pageSize must be a whole number from 1 to 250, got "300"',
    );
    expect(() => parseConfig({ PAGE_SIZE: '300' })).toThrow('PAGE_SIZE must be a whole number from 1 to 250, got "300"');
    expect(readSetting(SETTINGS.pageSize, '300', '--page-size')).toEqual({
      ok: false,
      problem: '--page-size must be a whole number from 1 to 250, got "300"',
    });
    expect(() => parseConfig({ RECONCILE_AFTER_FULL_RESYNC: 'yes' })).toThrow(
      'RECONCILE_AFTER_FULL_RESYNC must be true or false, got "yes"',
    );
  });

  it('gives the stack and the functions the same defaults', () => {
    const stack = readSettings(() => undefined, 600);
    const functions = parseConfig({});
    for (const setting of settingsWith('env')) {
      expect({ [setting.env!]: functions[setting.env as keyof typeof functions] }).toEqual({ [setting.env!]: setting.default });
    }
    for (const setting of settingsWith('context')) {
      expect({ [setting.name]: stack[setting.name as keyof typeof stack] }).toEqual({ [setting.name]: setting.default });
    }
  });
});

describe('docs/configuration.md', () => {
  const documented = [
    ...settingsWith('context').map((setting) => ({ setting, key: setting.context! })),
    ...settingsWith('env').map((setting) => ({ setting, key: setting.env! })),
  ];

  it.each(documented.map(({ setting, key }) => [key, setting] as const))('documents %s with its default and its range', (key, setting) => {
    const row = docsRow(key);
    expect(row).toBeDefined();
    const [, defaultCell, acceptsCell] = row!;
    expect(defaultCell!.split(/[ ;(]/)[0]).toBe(setting.default === undefined ? 'unset' : String(setting.default));
    // Every bound or choice of the schema is in the row's range (the stack's row may ask more, as for the lease).
    const bounds = setting.accepts.startsWith('one of ')
      ? setting.accepts.slice('one of '.length).split(', ')
      : setting.accepts === 'true or false'
        ? ['true', 'false']
        : setting.accepts.startsWith('a whole number')
          ? (setting.accepts.match(/\d+/g) ?? [])
          : [];
    const rows = [row!, docsRow(setting.env ?? '') ?? [], docsRow(setting.context ?? '') ?? []].map((cells) => cells[2] ?? '');
    for (const bound of bounds)
      expect({ key, bound, found: rows.some((cell) => new RegExp(`\\b${bound}\\b`).test(cell)) }).toEqual({ key, bound, found: true });
    expect(acceptsCell).not.toBe('');
  });

  it('lists every flag of npm start a setting has', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8') + docs;
    for (const setting of settingsWith('flag'))
      expect({ flag: setting.flag, found: readme.includes(`--${setting.flag}`) }).toEqual({ flag: setting.flag, found: true });
  });
});
