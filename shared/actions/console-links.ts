/**
 * Console links for a notification: the alarm, the endpoint, the monitoring job and its
 * report, so the on-call engineer lands on the right page in one click. The console host
 * follows the partition (China and GovCloud have their own).
 */
import type { Signal } from '../signals/types.js';

export function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

export function consoleLinks(signal: Signal): string[] {
  const { region } = signal;
  const base = consoleHost(region);
  const sagemaker = `${base}/sagemaker/home?region=${region}#`;
  const links: string[] = [];
  if (signal.kind === 'alarm') {
    links.push(`Alarm: ${base}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(signal.alarm)}`);
  }
  if (signal.endpoint) links.push(`Endpoint: ${sagemaker}/endpoints/${encodeURIComponent(signal.endpoint)}`);
  if (signal.kind === 'monitoring') {
    links.push(`Monitoring job: ${sagemaker}/processing-jobs/${encodeURIComponent(signal.job)}`);
    const report = s3ConsoleLink(signal.reportUri, region);
    if (report) links.push(`Report in the console: ${report}`);
  }
  return links;
}

/** The S3 console page of a report folder (s3://bucket/prefix). */
function s3ConsoleLink(uri: string | undefined, region: string): string | undefined {
  const match = uri ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) : null;
  if (!match?.[1]) return undefined;
  const prefix = match[2] ? `${match[2].replace(/\/+$/, '')}/` : '';
  const host = region.startsWith('cn-') || region.startsWith('us-gov-') ? consoleHost(region) : 'https://s3.console.aws.amazon.com';
  return `${host}/s3/buckets/${encodeURIComponent(match[1])}?region=${region}&prefix=${encodeURIComponent(prefix)}`;
}
