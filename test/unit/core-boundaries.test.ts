// The sync core stays plain TypeScript: no AWS SDK, Lambda, CDK or middy import may enter functions/core.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const coreDir = join(__dirname, '..', '..', 'functions', 'core');
const forbidden = /from\s+['"](@aws-sdk\/|aws-sdk|aws-lambda|aws-cdk-lib|@middy\/|@aws-lambda-powertools\/)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the sync core', () => {
  const files = sourceFiles(coreDir);

  it('has modules to check', () => {
    expect(files.length).toBeGreaterThan(2);
  });

  it.each(files)('%s imports nothing from AWS, Lambda, CDK or middy', (file) => {
    const offending = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => forbidden.test(line));
    expect(offending).toEqual([]);
  });

  it('the rule itself catches an AWS import', () => {
    expect(forbidden.test(`import { DynamoDBClient } from '@aws-sdk/client-dynamodb';`)).toBe(true);
  });
});
