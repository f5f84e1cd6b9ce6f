// The daily sales table (docs/design.md "Daily sales"): entries per order and day, totals per day and currency, keyed
// as functions/adapters/dynamodb/tables.ts describes. Derived from the orders table, so it can be rebuilt from it.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DAILY_SALES_TABLE_KEY } from '../../functions/adapters/dynamodb/tables';

export class DailySalesTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = DAILY_SALES_TABLE_KEY;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: key.partitionKey, type: key.type as dynamodb.AttributeType },
      sortKey: { name: key.sortKey, type: key.type as dynamodb.AttributeType },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Kept with the orders it is summed from: dropping it would make the next runs' figures wrong until a rebuild.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
