// `npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD`: the daily sales of those days, as a table and a bar per day.
import { runCli } from './common';
import { dailySalesReport, REPORT_USAGE } from './sales-report';

runCli(async (args) => {
  if (args.includes('--help')) {
    console.log(REPORT_USAGE);
    return 0;
  }
  console.log(await dailySalesReport(args));
  return 0;
});
