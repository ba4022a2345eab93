// The cloudwatch client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const cloudwatch: ClientLoader = {
  service: 'cloudwatch',
  async load(config) {
    const m = await import('../clients/cloudwatch.js');
    return senderFor(
      new m.CloudWatchClient(config),
      { DescribeAlarms: m.DescribeAlarmsCommand, DescribeAlarmHistory: m.DescribeAlarmHistoryCommand },
      'cloudwatch',
    );
  },
};
