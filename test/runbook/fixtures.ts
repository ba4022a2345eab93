/** Builders shared by the runbook tests: signals, and the issues a runbook text is refused with. */
import { expect } from 'vitest';
import { formatRunbookIssues, InvalidRunbookError } from '../../shared/errors.js';
import { loadRunbook } from '../../shared/runbook/load.js';
import type { AlarmSignal, MonitoringSignal } from '../../shared/signals/types.js';

export function alarmSignal(overrides: Partial<AlarmSignal> = {}): AlarmSignal {
  return {
    kind: 'alarm',
    key: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-latency/ALARM/2024-05-01T10:00:00Z',
    source: 'aws.cloudwatch',
    eventId: 'evt-1',
    time: '2024-05-01T10:00:00Z',
    account: '111122223333',
    region: 'us-east-1',
    alarm: 'churn-latency',
    alarmArn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:churn-latency',
    composite: false,
    state: 'ALARM',
    previousState: 'OK',
    stateTimestamp: '2024-05-01T10:00:00Z',
    metrics: [],
    namespace: 'AWS/SageMaker',
    metric: 'ModelLatency',
    breach: 'above',
    endpoint: 'churn-prod',
    variant: 'AllTraffic',
    ...overrides,
  };
}

export function monitoringSignal(overrides: Partial<MonitoringSignal> = {}): MonitoringSignal {
  return {
    kind: 'monitoring',
    key: 'arn:aws:sagemaker:us-east-1:111122223333:processing-job/model-monitoring-1/CompletedWithViolations',
    source: 'aws.sagemaker',
    eventId: 'evt-2',
    time: '2024-05-01T10:00:00Z',
    account: '111122223333',
    region: 'us-east-1',
    job: 'model-monitoring-1',
    jobArn: 'arn:aws:sagemaker:us-east-1:111122223333:processing-job/model-monitoring-1',
    status: 'CompletedWithViolations',
    monitoringType: 'DataQuality',
    schedule: 'churn-data-quality',
    endpoint: 'churn-prod',
    violations: [],
    ...overrides,
  };
}

/** The `file:line:col path: message` lines a runbook is refused with; fails if it loads. */
export function issuesOf(text: string, env: Record<string, string | undefined> = {}): string[] {
  try {
    loadRunbook(text, 'runbook.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRunbookError);
    const invalid = error as InvalidRunbookError;
    expect(invalid.kind).toBe('invalid-runbook');
    return formatRunbookIssues(invalid.file, invalid.issues);
  }
  throw new Error('expected the runbook to be refused, but it loaded');
}

/**
 * A valid runbook head (8 lines): defaults.scale.max 8, topics ops and ml-team, pipeline
 * churn-retrain. The lines given to withRules follow `rules:`, so the first is line 9.
 */
export const HEAD_LINES = [
  'version: 1',
  'defaults: { scale: { max: 8 } }',
  'topics:',
  '  ops: arn:aws:sns:us-east-1:111122223333:model-medic-ops',
  '  ml-team: arn:aws:sns:us-east-1:111122223333:ml-team',
  'pipelines:',
  '  churn-retrain: { type: sagemaker, name: churn-retrain }',
  'rules:',
];
export function withRules(...ruleLines: string[]): string {
  return [...HEAD_LINES, ...ruleLines].join('\n');
}
