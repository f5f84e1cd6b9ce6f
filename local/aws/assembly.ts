// A cloud assembly (what `cdk synth -o DIR` writes, what `cdk deploy --app DIR` deploys): its stack's template and
// the bundles beside it. The local stack runs from one with --bundled (a fresh synth) or --cdk-out DIR (an existing one).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK_NAME, type CloudFormationTemplate } from '../../infra/synth';

const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** The template of the order-sync stack in the assembly at `dir`; throws naming what is missing. */
export function assemblyTemplate(dir: string): CloudFormationTemplate {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile))
    throw new Error(`${dir} is not a cloud assembly (no manifest.json): write one with npx cdk synth -o ${dir}`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const templateFile = manifest.artifacts?.[STACK_NAME]?.properties?.templateFile;
  if (!templateFile) throw new Error(`the assembly ${dir} has no ${STACK_NAME} stack`);
  return JSON.parse(readFileSync(join(dir, templateFile), 'utf8')) as CloudFormationTemplate;
}

/**
 * `npx cdk synth -o dir`, bundles included (esbuild, no Docker): the same command, context and bundling a deploy
 * uses. Takes 10-20 s. Returns `dir`.
 */
export function synthesizeAssembly(dir: string): string {
  execFileSync(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--output', dir], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return dir;
}
