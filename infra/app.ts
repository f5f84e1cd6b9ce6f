// The CDK app (`npx cdk synth`): one stack, configured by CDK context (see infra/settings.ts for every key).
import { App } from 'aws-cdk-lib';
import { OrderSyncStack } from './order-sync-stack';
import { STACK_NAME } from './synth';

const app = new App();
new OrderSyncStack(app, STACK_NAME, {
  description: 'order-sync: a DynamoDB copy of the shop orders, kept in step by a Step Functions sync',
});
