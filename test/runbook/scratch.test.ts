import { test } from 'vitest';
import { loadRunbook } from '../../shared/runbook/index.js';
import { InvalidRunbookError } from '../../shared/errors.js';

const text = `version: 2
defaults:
  mode: live
  cooldwn: 15m
  scale: { max: 8, min: 10 }
topics:
  ops: \${env:OPS_TOPIC_ARN}
  ml-team: arn:aws:sns:us-east-1:111122223333
pipelines:
  churn-retrain: { type: sagemaker, name: churn-retrain, parameters: { Endpoint: "{{endpoint}}", X: "{{foo}}" } }
  fraud-build:   { type: codepipline, name: fraud-model-build }
rules:
  - id: latency-scale-out
    match:
      kind: alarm
      state: ALRAM
      metric: [ModelLatency, CPUUtilization]
      endpoint: "*-prod["
      colour: red
    actions:
      - scale: { by: 0, max: 6 }
      - notify: { topic: opz, severity: high }
      - scael: {}
      - rollback:
      - retrain: {}
      - scale: { to: 3 }
        notify: { topic: ops }
      - shift-traffic: { to: previous, weight: 0 }
    cooldown: 10 minutes
  - id: latency-scale-out
    match: { violations: { check: [a, b], atLeast: 0, x: 1 } }
    actions: []
  - id: x
    match: {}
    actions:
      - scale: { by: 1, maks: 2 }
      - scale: { by: 1, to: 2 }
      - scale: {}
      - notify: null
      - retrain: { pipeline: nope }
`;
test('scratch', () => {
  try { loadRunbook(text, 'runbook.yml', {}); } catch (e) { console.log((e as InvalidRunbookError).message); return; }
  console.log('loaded');
});
test('ok', () => {
  const rb = loadRunbook(`version: 1
defaults: { scale: { max: 8 } }
topics:
  ops: \${env:OPS, arn:aws:sns:us-east-1:111122223333:model-medic-ops}
rules:
  - id: a
    match: { endpoint: "*-prod", kind: alarm }
    actions:
      - scale: { by: 1 }
      - notify: { topic: ops }
      - rollback:
`, 'runbook.yml', {});
  console.log(JSON.stringify(rb, null, 1));
});
