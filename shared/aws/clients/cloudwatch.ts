// One SDK client and only the commands model-medic sends, as named re-exports: imported with a
// dynamic import() by its loader (shared/aws/loaders/) or shared/aws/sdk.ts (DynamoDB), so esbuild
// keeps these in their own chunk (serverless.yml custom.esbuild splitting) and tree-shakes the rest
// of the package.
export { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
