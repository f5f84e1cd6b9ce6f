// Prints the synthesized template as JSON on stdout (bundling skipped): the local stack reads it from a child
// process, so aws-cdk-lib and the construct tree never load into the process that runs the steps.
import { synthTemplate } from './synth';

process.stdout.write(JSON.stringify(synthTemplate()));
