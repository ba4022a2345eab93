// A tiny local AWS endpoint for the cold-init benchmark: only the operations the measured
// first events make, answered from the recorded state (events/aws-state.json), so both the
// handlers and the reference construct real SDK clients and make real HTTP calls with no
// network. DynamoDB requests are forwarded to dynalite when one is given.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, resolve } from 'node:path';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** The JSON protocols carry timestamps as epoch seconds; the recorded state writes ISO text. */
function toWire(value) {
  if (typeof value === 'string' && ISO.test(value)) return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

class AwsFault extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function recordedWorld(stateFile) {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const baseDir = dirname(resolve(stateFile));
  const json = {
    'SageMaker.DescribeEndpoint': ({ EndpointName }) => {
      const endpoint = state.sagemaker?.endpoints?.[EndpointName];
      if (!endpoint) throw new AwsFault(400, 'ValidationException', `Could not find endpoint "${EndpointName}".`);
      return endpoint;
    },
    'SageMaker.DescribeProcessingJob': ({ ProcessingJobName }) => {
      const job = state.sagemaker?.processingJobs?.[ProcessingJobName];
      if (!job) throw new AwsFault(400, 'ResourceNotFound', `Processing job ${ProcessingJobName} does not exist.`);
      return job;
    },
    'SageMaker.ListPipelineExecutions': ({ PipelineName }) => ({
      PipelineExecutionSummaries: state.sagemaker?.pipelineExecutions?.[PipelineName] ?? [],
    }),
    'SageMaker.StartPipelineExecution': ({ PipelineName }) => ({
      PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:111122223333:pipeline/${PipelineName}/execution/${randomUUID().slice(0, 12)}`,
    }),
    'SageMaker.UpdateEndpointWeightsAndCapacities': ({ EndpointName }) => ({
      EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EndpointName}`,
    }),
    'SageMaker.UpdateEndpoint': ({ EndpointName }) => ({
      EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EndpointName}`,
    }),
    'AnyScaleFrontendService.DescribeScalableTargets': ({ ResourceIds = [] }) => ({
      ScalableTargets: (state.applicationAutoScaling?.scalableTargets ?? []).filter(
        (t) => ResourceIds.length === 0 || ResourceIds.includes(t.ResourceId),
      ),
    }),
    'AnyScaleFrontendService.RegisterScalableTarget': () => ({
      ScalableTargetARN: `arn:aws:application-autoscaling:us-east-1:111122223333:scalable-target/${randomUUID().replaceAll('-', '')}`,
    }),
    'CodePipeline_20150709.ListPipelineExecutions': ({ pipelineName }) => ({
      pipelineExecutionSummaries: state.codepipeline?.pipelineExecutions?.[pipelineName] ?? [],
    }),
    'CodePipeline_20150709.StartPipelineExecution': () => ({ pipelineExecutionId: randomUUID() }),
    'GraniteServiceVersion20100801.DescribeAlarms': ({ AlarmNames = [] }) => {
      const alarms = (state.cloudwatch?.alarms ?? []).filter((a) => AlarmNames.includes(a.AlarmName));
      return {
        MetricAlarms: alarms.filter((a) => !('AlarmRule' in a)),
        CompositeAlarms: alarms.filter((a) => 'AlarmRule' in a),
      };
    },
  };
  const s3Object = (bucket, key) => {
    const entry = state.s3?.[`s3://${bucket}/${key}`];
    if (entry === undefined) throw new AwsFault(404, 'NoSuchKey', 'The specified key does not exist.');
    return typeof entry === 'string' ? readFileSync(resolve(baseDir, entry), 'utf8') : JSON.stringify(entry);
  };
  return { json, s3Object };
}

function readBody(req) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(req, body, port, res) {
  const upstream = httpRequest(
    { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${port}` } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'InternalServerError', message: String(error) }));
  });
  upstream.end(body);
}

/**
 * Starts the fake on 127.0.0.1 (a free port). `calls` counts requests per operation, so the
 * report can say what work each measured first event really did.
 */
export async function startFakeAws({ stateFile, dynamoPort }) {
  const world = recordedWorld(stateFile);
  const calls = new Map();
  const count = (op) => calls.set(op, (calls.get(op) ?? 0) + 1);
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    try {
      if (typeof target === 'string' && target.startsWith('DynamoDB_20120810.')) {
        count(`dynamodb:${target.slice(target.indexOf('.') + 1)}`);
        if (!dynamoPort) throw new AwsFault(400, 'UnknownOperationException', 'no DynamoDB behind this fake');
        forward(req, body, dynamoPort, res);
        return;
      }
      if (typeof target === 'string') {
        count(target);
        const handler = world.json[target];
        if (!handler) throw new AwsFault(400, 'UnknownOperationException', `the bench fake does not implement ${target}`);
        const answer = toWire(handler(body.length > 0 ? JSON.parse(body.toString('utf8')) : {}));
        const type = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1');
        res.writeHead(200, { 'content-type': type, 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(answer));
        return;
      }
      const form = new URLSearchParams(body.toString('utf8'));
      if (req.method === 'POST' && form.get('Action') === 'Publish') {
        count('sns:Publish');
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
        res.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
        return;
      }
      if (req.method === 'GET') {
        // S3 GetObject, path style (/bucket/key): the SDK adapter forces path style on a custom endpoint.
        const [bucket, ...key] = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
          .slice(1)
          .split('/');
        count('s3:GetObject');
        const text = world.s3Object(bucket, key.join('/'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amz-request-id': 'bench' });
        res.end(text);
        return;
      }
      throw new AwsFault(400, 'UnknownOperationException', `the bench fake does not implement ${req.method} ${req.url}`);
    } catch (error) {
      const fault = error instanceof AwsFault ? error : new AwsFault(500, 'InternalFailure', String(error));
      count(`error:${fault.code}`);
      if (typeof target === 'string') {
        res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': fault.code });
        res.end(JSON.stringify({ __type: fault.code, message: fault.message }));
      } else {
        res.writeHead(fault.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${fault.code}</Code><Message>${fault.message}</Message></Error><RequestId>bench</RequestId></ErrorResponse>`,
        );
      }
    }
  });
  // Answer the SDK's keep-alive connections without holding the benchmark open.
  server.keepAliveTimeout = 1000;
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    takeCalls() {
      const snapshot = Object.fromEntries([...calls].sort());
      calls.clear();
      return snapshot;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
