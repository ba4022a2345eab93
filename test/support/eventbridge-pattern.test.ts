import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from './eventbridge-pattern.js';

/** [name, pattern, event, expected match]. */
type Case = [string, unknown, unknown, boolean];

/** Every pattern ported from the documentation; all must also pass validatePattern. */
const docPatterns: unknown[] = [];

function examples(cases: Case[], fromDocs = true): void {
  if (fromDocs) docPatterns.push(...cases.map(([, pattern]) => pattern));
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
}

// Sample events, verbatim from the pages cited where they are used.
const EC2_TERMINATED = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const AUTOSCALING_LAUNCH = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};
const MACIE_ALERT = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    url: 'https://lb00.us-east-1.macie.aws.amazon.com/111122223333/posts/alert_id',
    'alert-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_',
    'risk-score': 80,
    trigger: {
      'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
      'alert-type': 'basic',
      'created-at': '2017-01-02 19:54:00.644000',
      description: 'Alerting on failed enumeration of large number of bucket policies',
      risk: 8,
    },
    'created-at': '2017-04-18T00:21:12.059000',
  },
};
const EC2_PENDING = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
};
/** The sample event the content-filtering examples were written against (aws/event-ruler README). */
const EC2_RUNNING = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};
const withDetail = (detail: Record<string, unknown>) => ({ ...EC2_RUNNING, detail: { ...EC2_RUNNING.detail, ...detail } });

// "Amazon EventBridge event patterns" / "Event pattern syntax" / "Matching events on event field values"
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-filtering-data-types.html
describe('docs: event patterns', () => {
  examples([
    [
      'EC2 instance-termination pattern',
      {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      EC2_TERMINATED,
      true,
    ],
    ['match values: source is aws.ec2 or aws.fargate', { source: ['aws.ec2', 'aws.fargate'] }, EC2_TERMINATED, true],
    [
      'field matching: responseElements is null',
      {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance Launch Successful'],
        detail: { responseElements: [null] },
      },
      AUTOSCALING_LAUNCH,
      true,
    ],
    [
      'value matching: risk score 80 and trigger risk 8',
      {
        source: ['aws.macie'],
        'detail-type': ['Macie Alert'],
        detail: { 'risk-score': [80], trigger: { risk: [8] } },
      },
      MACIE_ALERT,
      true,
    ],
  ]);
});

// Summary table of "Comparison operators for use in event patterns in Amazon EventBridge"
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// (Null / Or / Not / Numeric / Exists rows from the same table on the earlier eb-event-patterns page.)
// Each row gives a rule and a sentence; the events below are that sentence, true and false.
describe('docs: comparison operators table', () => {
  const and = { Location: ['New York'], Day: ['Monday'] };
  const abState = { state: [{ 'anything-but': 'initializing' }] };
  const abUs = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
  const abPng = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
  const abStateCase = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
  const abLib = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
  const us = { Region: [{ prefix: 'us-' }] };
  const eventb = { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] };
  const png = { FileName: [{ suffix: '.png' }] };
  const tbridge = { service: [{ suffix: { 'equals-ignore-case': 'tbridge' } }] };
  const price100 = { Price: [{ numeric: ['=', 100] }] };
  const price10to20 = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
  const exists = { ProductName: [{ exists: true }] };
  const notExists = { ProductName: [{ exists: false }] };
  examples([
    ['And: New York on Monday', and, { Location: 'New York', Day: 'Monday' }, true],
    ['And: New York on Tuesday', and, { Location: 'New York', Day: 'Tuesday' }, false],
    ['Anything-but: running', abState, { state: 'running' }, true],
    ['Anything-but: initializing', abState, { state: 'initializing' }, false],
    ['Anything-but begins with: eu-west-1', abUs, { Region: 'eu-west-1' }, true],
    ['Anything-but begins with: us-east-1', abUs, { Region: 'us-east-1' }, false],
    ['Anything-but ends with: photo.jpg', abPng, { FileName: 'photo.jpg' }, true],
    ['Anything-but ends with: photo.png', abPng, { FileName: 'photo.png' }, false],
    ['Anything-but ignore case: running', abStateCase, { state: 'running' }, true],
    ['Anything-but ignore case: INITIALIZING', abStateCase, { state: 'INITIALIZING' }, false],
    ['Anything-but wildcard: /usr/bin/medic', abLib, { FilePath: '/usr/bin/medic' }, true],
    ['Anything-but wildcard: /usr/lib/libc.so', abLib, { FilePath: '/usr/lib/libc.so' }, false],
    ['Begins with: us-east-1', us, { Region: 'us-east-1' }, true],
    ['Begins with: eu-west-1', us, { Region: 'eu-west-1' }, false],
    ['Begins with ignore case: EventBridge', eventb, { service: 'EventBridge' }, true],
    ['Begins with ignore case: SQS', eventb, { service: 'SQS' }, false],
    ['Empty: ""', { LastName: [''] }, { LastName: '' }, true],
    ['Empty: "Doe"', { LastName: [''] }, { LastName: 'Doe' }, false],
    ['Equals: Alice', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['Equals: alice (case-sensitive)', { Name: ['Alice'] }, { Name: 'alice' }, false],
    ['Equals ignore case: ALICE', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['Equals ignore case: Alicia', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
    ['Ends with: image.png', png, { FileName: 'image.png' }, true],
    ['Ends with: image.PNG (case-sensitive)', png, { FileName: 'image.PNG' }, false],
    ['Ends with ignore case: EventBridge', tbridge, { service: 'EventBridge' }, true],
    ['Ends with ignore case: Lambda', tbridge, { service: 'Lambda' }, false],
    ['Null: UserID is null', { UserID: [null] }, { UserID: null }, true],
    ['Null: UserID is ""', { UserID: [null] }, { UserID: '' }, false],
    ['Or: Debit', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, true],
    ['Or: Cash', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' }, false],
    ['Not: Sunny', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Sunny' }, true],
    ['Not: Raining', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' }, false],
    ['Numeric equals: 100', price100, { Price: 100 }, true],
    ['Numeric equals: 100.5', price100, { Price: 100.5 }, false],
    ['Numeric range: 20', price10to20, { Price: 20 }, true],
    ['Numeric range: 10', price10to20, { Price: 10 }, false],
    ['Exists: ProductName present', exists, { ProductName: 'Widget' }, true],
    ['Exists: ProductName absent', exists, { Product: 'Widget' }, false],
    ['Does not exist: ProductName absent', notExists, { Product: 'Widget' }, true],
    ['Does not exist: ProductName present', notExists, { ProductName: 'Widget' }, false],
  ]);
});

// "Content filtering in Amazon EventBridge event patterns"
// https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
// (formerly eb-event-patterns-content-based-filtering.html; both revisions' exists examples are here)
describe('docs: content filtering', () => {
  const time = { time: [{ prefix: '2017-10-02' }] };
  const eventB = { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] };
  const numeric = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  const cidr = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
  const stateExists = { detail: { state: [{ exists: true }] } };
  const cCountAbsent = { detail: { 'c-count': [{ exists: false }] } };
  const noCCount = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    detail: { state: ['initializing', 'running'] },
  };
  const cCountObject = { ...noCCount, detail: { ...noCCount.detail, 'c-count': { c1: 100 } } };
  const complex = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
    },
  };
  examples([
    ['prefix: time starts with 2017-10-02', time, { time: '2017-10-02T18:43:48Z' }, true],
    ['prefix ignore case: EventBridge', eventB, { service: 'EventBridge' }, true],
    ['prefix ignore case: EVENTBRIDGE', eventB, { service: 'EVENTBRIDGE' }, true],
    ['prefix ignore case: eventbridge', eventB, { service: 'eventbridge' }, true],
    ['suffix: FileName ends with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['anything-but string: running', { detail: { state: [{ 'anything-but': 'initializing' }] } }, EC2_RUNNING, true],
    [
      'anything-but string: initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    ['anything-but number: 301.8', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, EC2_RUNNING, true],
    ['anything-but number: 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }), false],
    ['anything-but string list: running', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, EC2_RUNNING, true],
    [
      'anything-but string list: overloaded',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      withDetail({ state: 'overloaded' }),
      false,
    ],
    ['anything-but number list: 301.8', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, EC2_RUNNING, true],
    [
      'anything-but number list: 200',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      withDetail({ 'x-limit': 200 }),
      false,
    ],
    ['anything-but prefix: running', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, EC2_RUNNING, true],
    [
      'anything-but prefix: initializing',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    ['numeric: true for all fields', numeric, EC2_RUNNING, true],
    ['numeric: one field out of range', numeric, withDetail({ 'd-count': 10 }), false],
    ['cidr: 10.0.0.255 is in 10.0.0.0/24', cidr, { detail: { sourceIPAddress: '10.0.0.255' } }, true],
    ['cidr: 10.0.1.1 is not', cidr, { detail: { sourceIPAddress: '10.0.1.1' } }, false],
    ['exists true: event with detail.state', stateExists, EC2_PENDING, true],
    [
      'exists true: event without detail.state',
      stateExists,
      {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
        detail: { 'c-count': { c1: 100 } },
      },
      false,
    ],
    ['exists false: event without detail.c-count', cCountAbsent, noCCount, true],
    ['exists false: c-count is not a leaf node', cCountAbsent, cCountObject, true],
    ['complex: prefix + anything-but + numeric', complex, EC2_RUNNING, true],
    ['complex: x-limit excluded', complex, withDetail({ 'x-limit': 300 }), false],
  ]);

  // "If you include a key more than once the last reference will be the one used": that is
  // JSON.parse's behaviour, so a template's pattern string gets it for free.
  const duplicated = JSON.parse('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}') as unknown;
  examples([
    ['duplicate key: last one wins (eu-west passes)', duplicated, { detail: { location: 'eu-west' } }, true],
    ['duplicate key: last one wins (us-east fails)', duplicated, { detail: { location: 'us-east' } }, false],
  ]);
});

// "Content-based Filtering with Event Patterns" (earlier revision of the page above, with worked examples)
// https://github.com/awsdocs/amazon-eventbridge-user-guide/blob/main/doc_source/content-filtering-with-event-patterns.md
describe('docs: content-based filtering examples (earlier revision)', () => {
  const europe = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
  const notCloudTrail = { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] };
  const notEc2OrS3 = { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] };
  const ownEvents = { source: [{ 'anything-but': { prefix: 'aws.' } }] };
  const described = { detail: { description: [{ exists: true }] } };
  examples([
    ['Auto Scaling events from Europe: eu-west-1', europe, { ...AUTOSCALING_LAUNCH, region: 'eu-west-1' }, true],
    ['Auto Scaling events from Europe: us-east-1', europe, AUTOSCALING_LAUNCH, false],
    ['all but CloudTrail API calls: EC2 state change', notCloudTrail, EC2_TERMINATED, true],
    ['all but CloudTrail API calls: CloudTrail', notCloudTrail, { ...EC2_TERMINATED, 'detail-type': 'AWS API Call via CloudTrail' }, false],
    ['all but EC2 and S3: autoscaling', notEc2OrS3, AUTOSCALING_LAUNCH, true],
    ['all but EC2 and S3: ec2', notEc2OrS3, EC2_TERMINATED, false],
    ['only your own events: model-medic', ownEvents, { ...EC2_TERMINATED, source: 'model-medic' }, true],
    ['only your own events: aws.ec2', ownEvents, EC2_TERMINATED, false],
    ['events with a description', described, { detail: { description: 'full text' } }, true],
    ['events without a description', described, EC2_TERMINATED, false],
  ]);
});

// "Arrays in Amazon EventBridge event patterns"
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
describe('docs: arrays', () => {
  const resources = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };
  examples([
    [
      'intersection of pattern array and event array is non-empty',
      resources,
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      true,
    ],
  ]);
});

// "Matching null values and empty strings in Amazon EventBridge event patterns"
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
describe('docs: null values and empty strings', () => {
  examples([
    ['eventVersion is an empty string', { detail: { eventVersion: [''] } }, AUTOSCALING_LAUNCH, true],
    ['responseElements is null', { detail: { responseElements: [null] } }, AUTOSCALING_LAUNCH, true],
    ['an empty-string pattern does not match null', { detail: { responseElements: [''] } }, AUTOSCALING_LAUNCH, false],
    ['a null pattern does not match an empty string', { detail: { eventVersion: [null] } }, AUTOSCALING_LAUNCH, false],
  ]);
});

// aws/event-ruler README ("Ruler by Example", "$or", "JSON Array Matching"): the matcher the
// EventBridge guide's examples come from, and the only AWS text with $or examples we could read.
// https://github.com/aws/event-ruler/blob/main/README.md
describe('docs: aws/event-ruler README', () => {
  const simple = {
    'detail-type': ['EC2 Instance State-change Notification'],
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
    detail: { state: ['initializing', 'running'] },
  };
  const orNormal = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const orParallel = {
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
  };
  const orWithAnd = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
      { scope: ['Service'] },
    ],
  };
  const orNested = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      {
        metricType: ['MetricType'],
        namespace: ['AWS/EC2', 'AWS/ES'],
        $or: [{ metricId: [1234] }, { spaceId: [1000] }],
      },
      { scope: ['Service'] },
    ],
  };
  const cw = { source: 'aws.cloudwatch' };
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  const nestedEmployees = { employees: [employees.employees.slice(0, 2), employees.employees.slice(2)] };
  examples([
    ['simple matching: running', simple, EC2_RUNNING, true],
    ['simple matching: would also match initializing', simple, withDetail({ state: 'initializing' }), true],
    ['suffix: source ends with ec2', { source: [{ suffix: 'ec2' }] }, EC2_RUNNING, true],
    ['equals-ignore-case: ec2 vs EC2', { source: [{ 'equals-ignore-case': 'EC2' }] }, { source: 'ec2' }, true],
    ['equals-ignore-case: aws.ec2 vs EC2', { source: [{ 'equals-ignore-case': 'EC2' }] }, EC2_RUNNING, false],
    ['wildcard: Simple*Service', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'Simple Notification Service' }, true],
    ['wildcard: * may be empty', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleService' }, true],
    ['wildcard: Simple Queue', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'Simple Queue' }, false],
    [
      'complex with cidr',
      { ...{ time: [{ prefix: '2017-10-02' }] }, detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      EC2_RUNNING,
      true,
    ],
    ['$or normal: namespace branch', orNormal, { ...cw, namespace: 'AWS/EC2' }, true],
    ['$or normal: neither branch', orNormal, { ...cw, metricName: 'NetworkIn' }, false],
    ['$or normal: source still ANDed', orNormal, { source: 'aws.ec2', metricName: 'CPUUtilization' }, false],
    ['$or parallel: both ors hold', orParallel, { metricName: 'ReadLatency', detail: { source: 'aws.cloudwatch' } }, true],
    ['$or parallel: detail or fails', orParallel, { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } }, false],
    ['$or with and: and branch', orWithAnd, { ...cw, metricType: 'MetricType', namespace: 'AWS/ES' }, true],
    ['$or with and: half an and branch', orWithAnd, { ...cw, metricType: 'MetricType' }, false],
    ['$or with and: scope branch', orWithAnd, { ...cw, scope: 'Service' }, true],
    ['$or nested: inner or via spaceId', orNested, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, true],
    ['$or nested: inner or unmet', orNested, { ...cw, metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 }, false],
    ['array of objects: Anna', { employees: { firstName: ['Anna'] } }, employees, true],
    ['array of objects: multi-level arrays', { employees: { firstName: ['Anna'] } }, nestedEmployees, true],
    ['array consistency: Anna Smith', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees, true],
    ['array consistency: Anna Jones', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees, false],
  ]);
});

// AWS Compute Blog, "Filtering events in Amazon EventBridge with wildcard pattern matching"
// https://aws.amazon.com/blogs/compute/filtering-events-in-amazon-eventbridge-with-wildcard-pattern-matching/
describe('docs: wildcard blog post', () => {
  examples([
    ['"*.png" matches strings that end with .png', { key: [{ wildcard: '*.png' }] }, { key: 'dir/icon.png' }, true],
    ['"*.png" does not match .png in the middle', { key: [{ wildcard: '*.png' }] }, { key: 'icon.png.bak' }, false],
    ['"*Title*" matches Title in the middle', { key: [{ wildcard: '*Title*' }] }, { key: 'MyTitleBar' }, true],
    ['"*Title*" is case-sensitive', { key: [{ wildcard: '*Title*' }] }, { key: 'mytitlebar' }, false],
  ]);
});

describe('edge cases', () => {
  const running = { detail: { state: ['running'] } };
  examples(
    [
      // Missing fields and shape mismatches.
      ['missing field', running, { detail: {} }, false],
      ['missing parent object', running, { source: 'aws.ec2' }, false],
      ['pattern leaf, event object', running, { detail: { state: { name: 'running' } } }, false],
      ['pattern object, event string', running, { detail: 'running' }, false],
      ['event is not an object', running, 'running', false],
      ['case-sensitive strings', running, { detail: { state: 'Running' } }, false],
      // No coercion between JSON types.
      ['"5" is not 5', { n: [5] }, { n: '5' }, false],
      ['"true" is not true', { b: [true] }, { b: 'true' }, false],
      ['false is not 0', { b: [false] }, { b: 0 }, false],
      ['"null" is not null', { v: [null] }, { v: 'null' }, false],
      ['null pattern needs the field present', { v: [null] }, {}, false],
      ['empty string needs the field present', { v: [''] }, {}, false],
      // The guide compares numbers by their text (300 vs 3.0e2), but JSON.parse has already
      // erased that difference, so numbers compare numerically here.
      ['numbers compare numerically', { n: [300] }, JSON.parse('{"n": 3.0e2}'), true],
      // Event arrays: ANY element may match, for every operator.
      ['array: exact', running, { detail: { state: ['stopped', 'running'] } }, true],
      ['array: no element', running, { detail: { state: ['stopped'] } }, false],
      ['array: empty', running, { detail: { state: [] } }, false],
      ['array: nested arrays flatten', { n: [2] }, { n: [[1], [2]] }, true],
      ['array: prefix', { r: [{ prefix: 'us-' }] }, { r: ['eu-west-1', 'us-east-1'] }, true],
      ['array: numeric', { n: [{ numeric: ['<', 5] }] }, { n: [10, 4] }, true],
      ['array: anything-but with one other element', { s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] }, true],
      ['array: anything-but with only excluded elements', { s: [{ 'anything-but': 'a' }] }, { s: ['a', 'a'] }, false],
      // anything-but needs the field to be there.
      ['anything-but: absent', { s: [{ 'anything-but': 'a' }] }, {}, false],
      ['anything-but list: absent', { s: [{ 'anything-but': ['a', 'b'] }] }, {}, false],
      ['anything-but prefix: absent', { s: [{ 'anything-but': { prefix: 'a' } }] }, {}, false],
      ['anything-but suffix: absent', { s: [{ 'anything-but': { suffix: 'a' } }] }, {}, false],
      ['anything-but ignore case: absent', { s: [{ 'anything-but': { 'equals-ignore-case': 'a' } }] }, {}, false],
      ['anything-but wildcard: absent', { s: [{ 'anything-but': { wildcard: 'a*' } }] }, {}, false],
      ['anything-but: object is not a leaf', { s: [{ 'anything-but': 'a' }] }, { s: { t: 'b' } }, false],
      ['anything-but ignore-case list', { s: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }, { s: 'B' }, false],
      // Undocumented: a number can't have the excluded prefix, so it passes.
      ['anything-but prefix: a number passes', { n: [{ 'anything-but': { prefix: '1' } }] }, { n: 123 }, true],
      ['anything-but numbers vs a string', { n: [{ 'anything-but': [100] }] }, { n: '100' }, true],
      // Numeric boundaries.
      ['numeric: > 0 excludes 0', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 0 }, false],
      ['numeric: > 0 includes 0.000001', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 0.000001 }, true],
      ['numeric: <= 5 includes 5', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 5 }, true],
      ['numeric: <= 5 excludes 5.000001', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 5.000001 }, false],
      ['numeric: >= 0 includes 0', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 0 }, true],
      ['numeric: < 5 excludes 5', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 5 }, false],
      ['numeric: negative', { n: [{ numeric: ['>=', -10] }] }, { n: -10 }, true],
      ['numeric: "5" is not a number', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
      ['numeric: null is not a number', { n: [{ numeric: ['>', 0] }] }, { n: null }, false],
      ['numeric: absent', { n: [{ numeric: ['<', 0] }] }, {}, false],
      // Wildcards: anchored, escapes, regex characters are literal.
      ['wildcard: \\* is a literal star', { w: [{ wildcard: 'a\\*b' }] }, { w: 'a*b' }, true],
      ['wildcard: \\* does not wildcard', { w: [{ wildcard: 'a\\*b' }] }, { w: 'aXb' }, false],
      ['wildcard: \\\\ is a literal backslash', { w: [{ wildcard: 'a\\\\*' }] }, { w: 'a\\path' }, true],
      ['wildcard: escaped star then wildcard', { w: [{ wildcard: '\\**' }] }, { w: '*.txt' }, true],
      ['wildcard: anchored at the start', { w: [{ wildcard: 'dir/*' }] }, { w: 'xdir/icon.png' }, false],
      ['wildcard: dot is literal', { w: [{ wildcard: 'a.c' }] }, { w: 'abc' }, false],
      ['wildcard: * spans newlines', { w: [{ wildcard: 'a*b' }] }, { w: 'a\nb' }, true],
      ['wildcard: lone * matches empty string', { w: [{ wildcard: '*' }] }, { w: '' }, true],
      ['wildcard: not for numbers', { w: [{ wildcard: '*' }] }, { w: 5 }, false],
      // String operators only apply to strings.
      ['prefix: not for numbers', { n: [{ prefix: '1' }] }, { n: 123 }, false],
      ['suffix ignore case', { f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'x.png' }, true],
      ['equals-ignore-case: not for booleans', { b: [{ 'equals-ignore-case': 'true' }] }, { b: true }, false],
      // exists works on leaves; a null value is a present leaf (the field is in the JSON).
      ['exists true: null value', { v: [{ exists: true }] }, { v: null }, true],
      ['exists false: null value', { v: [{ exists: false }] }, { v: null }, false],
      ['exists true: empty string', { v: [{ exists: true }] }, { v: '' }, true],
      ['exists true: object is not a leaf', { v: [{ exists: true }] }, { v: { w: 1 } }, false],
      ['exists false: parent absent too', { detail: { v: [{ exists: false }] } }, {}, true],
      ['exists false: empty array of objects', { items: { x: [{ exists: false }] } }, { items: [] }, true],
      ['exists false: OR with a value', { v: [{ exists: false }, 'x'] }, { v: 'x' }, true],
      // $or at any depth, inside arrays of objects, and nested in itself.
      [
        '$or nested inside $or inside detail',
        { detail: { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: [{ exists: false }] }] }] } },
        { detail: { a: '0', c: 'here' } },
        false,
      ],
      [
        '$or nested: innermost exists false',
        { detail: { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: [{ exists: false }] }] }] } },
        { detail: { a: '0' } },
        true,
      ],
      ['$or within one array element', { items: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { items: [{ a: '0' }, { b: '2' }] }, true],
      // cidr.
      ['cidr: network address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.0' }, true],
      ['cidr: /0 matches any IPv4', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '203.0.113.9' }, true],
      ['cidr: /32 is one address', { ip: [{ cidr: '10.0.0.1/32' }] }, { ip: '10.0.0.2' }, false],
      ['cidr: not an address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 'ten' }, false],
      ['cidr: IPv6 in range', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::1' }, true],
      ['cidr: IPv6 out of range', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
      ['cidr: IPv4 address vs IPv6 range', { ip: [{ cidr: '::/0' }] }, { ip: '10.0.0.1' }, false],
    ],
    false,
  );
});

describe('validatePattern', () => {
  it('accepts every pattern ported from the documentation', () => {
    for (const pattern of docPatterns) expect(validatePattern(pattern)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'aws.ec2', '(pattern): must be a JSON object'],
    ['empty pattern', {}, 'must name at least one field'],
    ['empty nested object', { detail: {} }, 'detail: must name at least one field'],
    ['value not in an array', { source: 'aws.ec2' }, 'source: values must be wrapped in an array'],
    ['empty array', { source: [] }, 'source: an empty array matches nothing'],
    ['array inside the array', { source: [['aws.ec2']] }, 'source[0]: must be a string'],
    ['two operators in one object', { s: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one key'],
    ['unknown operator', { s: [{ contains: 'a' }] }, 'unknown operator "contains"'],
    ['prefix of a number', { s: [{ prefix: 1 }] }, 'prefix takes a string'],
    ['numeric bound as a string', { n: [{ numeric: ['>', '5'] }] }, 'bound must be a number'],
    ['numeric unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'unknown operator'],
    ['numeric odd length', { n: [{ numeric: ['>'] }] }, 'pairs'],
    ['numeric two lower bounds', { n: [{ numeric: ['>', 5, '>=', 6] }] }, 'at most one lower'],
    ['numeric empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }, 'lower bound must be below'],
    ['numeric = with a range', { n: [{ numeric: ['=', 1, '<', 5] }] }, '"=" cannot be combined'],
    ['numeric out of range', { n: [{ numeric: ['>', 6e9] }] }, 'within'],
    ['exists not boolean', { v: [{ exists: 'true' }] }, 'exists takes true or false'],
    ['wildcard **', { w: [{ wildcard: 'a**b' }] }, 'consecutive'],
    ['wildcard bad escape', { w: [{ wildcard: 'a\\b' }] }, 'backslash'],
    ['wildcard trailing backslash', { w: [{ wildcard: 'a\\' }] }, 'backslash'],
    ['anything-but mixed list', { s: [{ 'anything-but': [1, 'a'] }] }, 'all strings or all numbers'],
    ['anything-but empty list', { s: [{ 'anything-but': [] }] }, 'non-empty'],
    ['anything-but prefix list', { s: [{ 'anything-but': { prefix: ['a', 'b'] } }] }, 'anything-but prefix takes a string'],
    ['anything-but numeric', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'anything-but takes'],
    ['anything-but boolean', { s: [{ 'anything-but': true }] }, 'anything-but takes'],
    ['cidr without prefix length', { ip: [{ cidr: '10.0.0.0' }] }, 'cidr'],
    ['cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'cidr'],
    ['cidr bad octet', { ip: [{ cidr: '300.0.0.0/8' }] }, 'cidr'],
    ['$or with one branch', { $or: [{ a: ['1'] }] }, '$or: must be an array of at least two'],
    ['$or as an object', { $or: { a: ['1'] } }, '$or: must be an array'],
    ['problem inside an $or branch', { $or: [{ a: '1' }, { b: ['2'] }] }, '$or[0].a: values must be wrapped'],
    ['nested path in the message', { detail: { state: [{ prefix: null }] } }, 'detail.state[0]: prefix takes a string'],
  ])('rejects %s', (_name, pattern, problem) => {
    const problems = validatePattern(pattern);
    expect(problems.join('\n')).toContain(problem);
    expect(() => matchesPattern(pattern, {})).toThrow(/Invalid EventBridge pattern/);
  });

  it.each<[string, unknown]>([
    ['escaped wildcard characters', { w: [{ wildcard: 'a\\*\\\\*' }] }],
    ['IPv6 cidr', { ip: [{ cidr: '2001:db8::/32' }] }],
    ['anything-but wildcard list', { s: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] }],
    ['mixed exact values and operators', { s: ['a', 1, true, null, { prefix: 'b' }] }],
    ['a field literally named like an operator', { prefix: ['x'], numeric: { exists: ['y'] } }],
  ])('accepts %s', (_name, pattern) => {
    expect(validatePattern(pattern)).toEqual([]);
  });
});

describe('properties', () => {
  type Json = Record<string, unknown>;
  const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
  const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const { event } = fc.letrec<{ event: Json }>((tie) => ({
    event: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, scalar, fc.array(scalar, { minLength: 1, maxLength: 3 }), tie('event')), {
      minKeys: 1,
      maxKeys: 4,
    }),
  }));

  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

  /** Each leaf becomes an exact match of itself; an event array is matched by its own elements. */
  const exactPatternFor = (e: Json): Json =>
    Object.fromEntries(Object.entries(e).map(([k, v]) => [k, isObject(v) ? exactPatternFor(v) : Array.isArray(v) ? v : [v]]));

  /** Paths to scalar leaves that are not inside arrays (changing one of those must break the match). */
  const scalarPaths = (e: Json, prefix: string[] = []): string[][] =>
    Object.entries(e).flatMap(([k, v]) => (isObject(v) ? scalarPaths(v, [...prefix, k]) : Array.isArray(v) ? [] : [[...prefix, k]]));

  it('a pattern built from an event’s own leaf values matches that event', () => {
    fc.assert(fc.property(event, (e) => matchesPattern(exactPatternFor(e), e)));
  });

  it('changing one leaf to a different string makes that pattern stop matching', () => {
    fc.assert(
      fc.property(event, fc.nat(), (e, pick) => {
        const paths = scalarPaths(e);
        fc.pre(paths.length > 0);
        const path = paths[pick % paths.length] as string[];
        const changed = structuredClone(e);
        let parent: Json = changed;
        for (const k of path.slice(0, -1)) parent = parent[k] as Json;
        const last = path[path.length - 1] as string;
        const old = parent[last];
        parent[last] = typeof old === 'string' ? `${old}~` : String(old); // "5", "null", "true": other type
        return !matchesPattern(exactPatternFor(e), changed);
      }),
    );
  });
});
