/**
 * The wire protocols of the services model-medic calls, as the installed SDK clients speak
 * them (checked in each client's dist: `protocol: config?.protocol ?? …`), so the stand-in in
 * front of moto can tell which operation a request is, and answer or fail it as AWS would:
 *
 * - awsJson1_1 (SageMaker, Application Auto Scaling, CodePipeline) and awsJson1_0
 *   (CloudWatch, which moved from awsQuery to JSON 1.0 with awsQueryCompatible): POST /
 *   with `X-Amz-Target: <ServiceTarget>.<Operation>`; errors as `{"__type", "message"}`;
 *   timestamps as epoch seconds.
 * - awsQuery (SNS): a form-encoded POST with Action and Version; XML answers and errors.
 * - S3 REST-XML, path-style GET /bucket/key (the client sets forcePathStyle with a custom endpoint).
 * - EventBridge Scheduler, REST-JSON: the operation from the method and path (`POST
 *   /schedules/{Name}` is CreateSchedule), the input from the path, the query and the JSON body;
 *   errors as `X-Amzn-ErrorType` and `{"Message"}`.
 * - Other REST services: the service from the SigV4 credential scope.
 */

/** The SDK client's short name (sns, sagemaker, dynamodb, ...). */
export type AwsServiceName = string;

export type Protocol = 'json1.0' | 'json1.1' | 'query' | 's3' | 'rest-json';

export interface DecodedRequest {
  protocol: Protocol;
  service: AwsServiceName;
  operation: string;
  input: Record<string, unknown>;
}

const JSON_TARGETS: Record<string, { service: AwsServiceName; protocol: Protocol }> = {
  SageMaker: { service: 'sagemaker', protocol: 'json1.1' },
  AnyScaleFrontendService: { service: 'application-auto-scaling', protocol: 'json1.1' },
  CodePipeline_20150709: { service: 'codepipeline', protocol: 'json1.1' },
  GraniteServiceVersion20100801: { service: 'cloudwatch', protocol: 'json1.0' },
  DynamoDB_20120810: { service: 'dynamodb', protocol: 'json1.0' },
  AmazonSQS: { service: 'sqs', protocol: 'json1.0' },
  AmazonSSM: { service: 'ssm', protocol: 'json1.1' },
  AWSEvents: { service: 'eventbridge', protocol: 'json1.1' },
  AWSSecurityTokenServiceV20110615: { service: 'sts', protocol: 'json1.0' },
};
const QUERY_VERSIONS: Record<string, AwsServiceName> = { '2010-03-31': 'sns', '2011-06-15': 'sts', '2012-11-05': 'sqs' };
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function decodeRequest(req: RawRequest): DecodedRequest | { unsupported: string } {
  const target = header(req, 'x-amz-target');
  if (target) {
    const [prefix = '', operation = ''] = target.split('.');
    const known = JSON_TARGETS[prefix];
    if (!known) return { unsupported: `X-Amz-Target ${target}` };
    return { ...known, operation, input: req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {} };
  }
  if (req.method === 'POST' && (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(req.body);
    const service = QUERY_VERSIONS[params.get('Version') ?? ''];
    if (!service) return { unsupported: `awsQuery Version ${params.get('Version')}` };
    return { protocol: 'query', service, operation: params.get('Action') ?? '', input: decodeQueryParams(params) };
  }
  const scope = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(header(req, 'authorization') ?? '')?.[1];
  if (scope === 'scheduler') {
    const decoded = decodeScheduler(req);
    if (decoded) return decoded;
  }
  if (scope && scope !== 's3') {
    return { protocol: 's3', service: scope, operation: `${req.method} ${new URL(req.url, 'http://stand-in').pathname}`, input: {} };
  }
  if (req.method !== 'GET') {
    return { protocol: 's3', service: 's3', operation: `${req.method} ${new URL(req.url, 'http://stand-in').pathname}`, input: {} };
  }
  if (req.method === 'GET') {
    const url = new URL(req.url, 'http://stand-in');
    const [, bucket = '', ...key] = url.pathname.split('/');
    return {
      protocol: 's3',
      service: 's3',
      operation: 'GetObject',
      input: { Bucket: decodeURIComponent(bucket), Key: key.map(decodeURIComponent).join('/') },
    };
  }
  return { unsupported: `${req.method} ${req.url}` };
}

/** EventBridge Scheduler's REST-JSON routes, for the operations model-medic and its tests send. */
const SCHEDULER_ROUTES: Array<{ method: string; path: RegExp; operation: string; key?: string }> = [
  { method: 'POST', path: /^\/schedules\/([^/]+)$/, operation: 'CreateSchedule', key: 'Name' },
  { method: 'PUT', path: /^\/schedules\/([^/]+)$/, operation: 'UpdateSchedule', key: 'Name' },
  { method: 'GET', path: /^\/schedules\/([^/]+)$/, operation: 'GetSchedule', key: 'Name' },
  { method: 'DELETE', path: /^\/schedules\/([^/]+)$/, operation: 'DeleteSchedule', key: 'Name' },
  { method: 'GET', path: /^\/schedules$/, operation: 'ListSchedules' },
  { method: 'POST', path: /^\/schedule-groups\/([^/]+)$/, operation: 'CreateScheduleGroup', key: 'Name' },
  { method: 'GET', path: /^\/schedule-groups\/([^/]+)$/, operation: 'GetScheduleGroup', key: 'Name' },
  { method: 'DELETE', path: /^\/schedule-groups\/([^/]+)$/, operation: 'DeleteScheduleGroup', key: 'Name' },
];
/** Query parameters of the Scheduler API, by the input member they carry. */
const SCHEDULER_QUERY: Record<string, string> = {
  groupName: 'GroupName',
  clientToken: 'ClientToken',
  ScheduleGroup: 'GroupName',
  NamePrefix: 'NamePrefix',
  State: 'State',
  MaxResults: 'MaxResults',
  NextToken: 'NextToken',
};

function decodeScheduler(req: RawRequest): DecodedRequest | undefined {
  const url = new URL(req.url, 'http://stand-in');
  for (const route of SCHEDULER_ROUTES) {
    const match = route.method === req.method ? route.path.exec(url.pathname) : null;
    if (!match) continue;
    const input: Record<string, unknown> = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    if (route.key && match[1]) input[route.key] = decodeURIComponent(match[1]);
    for (const [name, value] of url.searchParams) input[SCHEDULER_QUERY[name] ?? name] = value;
    return { protocol: 'rest-json', service: 'scheduler', operation: route.operation, input };
  }
  return undefined;
}

function header(req: RawRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * awsQuery flattens structures into dotted keys: `MessageAttributes.entry.1.Name=severity`,
 * `MessageAttributes.entry.1.Value.StringValue=high`, `Things.member.1=x`. Rebuilt here into
 * the SDK input shape (maps as objects, lists as arrays), so it compares with the plan.
 */
export function decodeQueryParams(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node = root;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) node[part] = value;
      else {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
    }
  }
  return normalizeQuery(root) as Record<string, unknown>;
}

function normalizeQuery(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => normalizeQuery(v));
  }
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.[0] === 'entry') {
    const list = normalizeQuery(only[1]) as Array<{ Name?: string; key?: string; Value?: unknown; value?: unknown }>;
    return Object.fromEntries(list.map((e) => [e.Name ?? e.key, e.Value ?? e.value]));
  }
  if (only?.[0] === 'member') return normalizeQuery(only[1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, normalizeQuery(v)]));
}

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function encodeSuccess(req: DecodedRequest, body: unknown, requestId: string): EncodedResponse {
  switch (req.protocol) {
    case 'json1.0':
    case 'json1.1':
      return {
        status: 200,
        headers: { 'content-type': `application/x-amz-${req.protocol.replace('json', 'json-')}`, 'x-amzn-requestid': requestId },
        body: JSON.stringify(isoDatesToEpochSeconds(body)),
      };
    case 'query': {
      const result = Object.entries(body as Record<string, unknown>)
        .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
        .join('');
      const xml = `<${req.operation}Response xmlns="${SNS_NAMESPACE}"><${req.operation}Result>${result}</${req.operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${req.operation}Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
    }
    case 's3':
      return { status: 200, headers: { 'content-type': 'application/json', 'x-amz-request-id': requestId }, body: String(body) };
    case 'rest-json':
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
        body: JSON.stringify(isoDatesToEpochSeconds(body)),
      };
  }
}

export function encodeError(req: DecodedRequest, status: number, code: string, message: string, requestId: string): EncodedResponse {
  switch (req.protocol) {
    case 'json1.0':
    case 'json1.1':
      return {
        status,
        headers: {
          'content-type': `application/x-amz-${req.protocol.replace('json', 'json-')}`,
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': code,
        },
        body: JSON.stringify({ __type: code, message }),
      };
    case 'query': {
      const type = status >= 500 ? 'Receiver' : 'Sender';
      const xml = `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
    }
    case 's3': {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
      return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body: xml };
    }
    case 'rest-json':
      return {
        status,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
        body: JSON.stringify({ Message: message }),
      };
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** The recorded state holds ISO strings (as an SDK snapshot serialises Dates); JSON protocols send epoch seconds. */
function isoDatesToEpochSeconds(value: unknown): unknown {
  if (typeof value === 'string' && ISO_DATE.test(value)) return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(isoDatesToEpochSeconds);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isoDatesToEpochSeconds(v)]));
  }
  return value;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
