/**
 * A small CloudFormation intrinsic-function evaluator for the packaged template, so IAM
 * statements, queue policies and conditions can be checked as the strings AWS will see.
 * Pseudo parameters get fixed test values; resources get plausible physical ids and ARNs.
 * Supports what serverless.yml uses: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Split, Fn::If,
 * Fn::Not, Fn::Equals, Fn::Select, Condition, AWS::NoValue.
 */
import type { CfnTemplate } from './package-stack.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
const STACK = 'model-medic-test';

/** Marks a value removed by Ref AWS::NoValue. */
const NO_VALUE = Symbol('AWS::NoValue');

export class CfnEvaluator {
  private readonly template: CfnTemplate;
  private readonly conditions = new Map<string, boolean>();

  constructor(template: CfnTemplate) {
    this.template = template;
  }

  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    const value = this.evaluate(definition);
    if (typeof value !== 'boolean') throw new Error(`condition ${name} is not a boolean: ${JSON.stringify(value)}`);
    this.conditions.set(name, value);
    return value;
  }

  /** Deep-evaluates every intrinsic function in `value`. */
  evaluate(value: unknown): unknown {
    const result = this.eval(value);
    return result === NO_VALUE ? undefined : result;
  }

  private eval(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.eval(v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0] as [string, unknown];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(String(id), String(attribute));
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Join': {
          const [separator, list] = arg as [string, unknown];
          return (this.eval(list) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.eval(text)).split(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.eval(list) as unknown[])[Number(this.eval(index))];
        }
        case 'Fn::If': {
          const [name, yes, no] = arg as [string, unknown, unknown];
          return this.condition(name) ? this.eval(yes) : this.eval(no);
        }
        case 'Fn::Equals': {
          const [a, b] = arg as [unknown, unknown];
          return JSON.stringify(this.eval(a)) === JSON.stringify(this.eval(b));
        }
        case 'Fn::Not':
          return !(this.eval((arg as unknown[])[0]) as boolean);
        case 'Condition':
          return this.condition(String(arg));
        default:
          if (key.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${key}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of entries) {
      const evaluated = this.eval(v);
      if (evaluated !== NO_VALUE) out[key] = evaluated;
    }
    return out;
  }

  private sub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return String(this.eval(vars[name]));
      if (name.includes('.')) {
        const [id, attribute] = name.split('.') as [string, string];
        return String(this.getAtt(id, attribute));
      }
      return String(this.ref(name));
    });
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::Region':
        return REGION;
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::StackName':
        return STACK;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`Ref to unknown resource ${name}`);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${this.physicalName(name, props.QueueName)}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${this.physicalName(name, props.TopicName)}`;
      case 'AWS::KMS::Key':
        return `key-${name}`;
      case 'AWS::Lambda::Function':
        return this.physicalName(name, props.FunctionName);
      case 'AWS::Scheduler::ScheduleGroup':
      case 'AWS::Events::EventBus':
        return this.physicalName(name, props.Name);
      default:
        return this.physicalName(name, undefined);
    }
  }

  getAtt(id: string, attribute: string): unknown {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`GetAtt of unknown resource ${id}`);
    const props = resource.Properties ?? {};
    const name = String(this.ref(id));
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${REGION}:${ACCOUNT}:${this.physicalName(id, props.QueueName)}`;
      case 'AWS::SQS::Queue.QueueName':
        return this.physicalName(id, props.QueueName);
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${ACCOUNT}:role/${name}`;
      case 'AWS::Scheduler::ScheduleGroup.Arn':
        return `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}`;
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::Events::EventBus.Arn':
        return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
      default:
        throw new Error(`unsupported GetAtt ${id}.${attribute} (${resource.Type})`);
    }
  }

  private physicalName(id: string, given: unknown): string {
    return given === undefined ? `${STACK}-${id}-ABC123` : String(this.evaluate(given));
  }
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The resources each resource depends on, as CloudFormation orders creation: Ref and Fn::GetAtt of
 * another resource, `${Resource}` / `${Resource.Attribute}` in Fn::Sub, and DependsOn.
 */
export function resourceDependencies(template: CfnTemplate): Map<string, Set<string>> {
  const ids = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  const walk = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, into);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, arg] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof arg === 'string' && ids.has(arg)) into.add(arg);
      else if (key === 'Fn::GetAtt') {
        const id = Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0];
        if (id && ids.has(id)) into.add(id);
      } else if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, unknown]) : [String(arg), undefined];
        for (const [, name] of String(text).matchAll(/\$\{([^}!]+)\}/g)) {
          const id = String(name).split('.')[0] as string;
          if (ids.has(id)) into.add(id);
        }
        walk(vars, into);
      } else walk(arg, into);
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const deps = new Set<string>();
    walk(resource.Properties, deps);
    for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
    graph.set(id, deps);
  }
  return graph;
}

/** A dependency cycle among the template's resources (ids in order), or undefined: CloudFormation refuses one. */
export function dependencyCycle(template: CfnTemplate): string[] | undefined {
  const graph = resourceDependencies(template);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of graph.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Statements with Action and Resource as lists of strings. */
export function normalizeStatements(raw: unknown): IamStatement[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((s) => {
    const statement = s as Record<string, unknown>;
    const asList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
    return { ...(statement as object), Action: asList(statement.Action), Resource: asList(statement.Resource) } as IamStatement;
  });
}
