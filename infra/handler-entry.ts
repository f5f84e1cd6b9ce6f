// Where each function's handler module lives, and the template metadata that names it: read by the stack (CDK bundles
// the module) and by the local stack (which runs it), without loading CDK.
import * as path from 'node:path';
import type { HandlerName } from '../functions/handler-needs';

/** The repository root: handlers, package-lock.json and tsconfig.json live there. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The template metadata key naming a function's handler module: the local stack runs that module (or its bundle). */
export const HANDLER_METADATA_KEY = 'order-sync:handler';

export function handlerEntry(name: HandlerName): string {
  return path.join(PROJECT_ROOT, 'functions', 'handlers', `${name}.ts`);
}
