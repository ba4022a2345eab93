/**
 * retrain: start a SageMaker pipeline or a CodePipeline with an idempotency token derived
 * from the signal key, so a redelivered event cannot start a second run; skipped while an
 * execution of that pipeline is already running.
 */
import { hash } from 'node:crypto';
import { renderTemplate } from '../runbook/template.js';
import type { ActionDefinition, PlanContext } from './action.js';
import { skip } from './action.js';
import type { RetrainParams } from './params.js';
import { templateVars } from './template-vars.js';

const SAGEMAKER_RUNNING = new Set(['Executing', 'Stopping']);
const CODEPIPELINE_RUNNING = new Set(['InProgress', 'Stopping']);

/**
 * 64 hex characters: fits SageMaker's ClientRequestToken (32–128) and CodePipeline's
 * clientRequestToken (^[a-zA-Z0-9-]+$, ≤128). Same signal and rule, same token.
 */
export function requestToken(signalKey: string, ruleId: string): string {
  return hash('sha256', `${signalKey}\u0000${ruleId}`, 'hex');
}

export const retrainAction: ActionDefinition<RetrainParams> = {
  mutatesEndpoint: false,
  runsInDryRun: false,
  async plan(params, ctx) {
    const pipeline = ctx.runbook.pipelines[params.pipeline];
    if (!pipeline) return skip(`unknown pipeline alias ${params.pipeline}`); // validated at load; defensive
    const token = requestToken(ctx.signal.key, ctx.rule.id);
    const render = (values: Record<string, string>) => renderValues(values, ctx);

    if (pipeline.type === 'sagemaker') {
      const executions = await ctx.reader.listSageMakerPipelineExecutions(pipeline.name);
      const running = executions.find((e) => SAGEMAKER_RUNNING.has(e.PipelineExecutionStatus ?? ''));
      if (running) {
        return skip(`SageMaker pipeline ${pipeline.name} already has a running execution (${running.PipelineExecutionArn ?? 'unknown'})`);
      }
      const parameters = Object.entries(render(pipeline.parameters)).map(([Name, Value]) => ({ Name, Value }));
      const input: Record<string, unknown> = {
        PipelineName: pipeline.name,
        ClientRequestToken: token,
        PipelineExecutionDescription: describeTrigger(ctx),
      };
      if (parameters.length > 0) input.PipelineParameters = parameters;
      return {
        status: 'planned',
        reason: `start SageMaker pipeline ${pipeline.name}${parameters.length ? ` with ${parameters.map((p) => `${p.Name}=${p.Value}`).join(', ')}` : ''}`,
        calls: [{ service: 'sagemaker', operation: 'StartPipelineExecution', input }],
      };
    }

    const executions = await ctx.reader.listCodePipelineExecutions(pipeline.name);
    const running = executions.find((e) => CODEPIPELINE_RUNNING.has(e.status ?? ''));
    if (running) {
      return skip(`CodePipeline ${pipeline.name} already has a running execution (${running.pipelineExecutionId ?? 'unknown'})`);
    }
    const variables = Object.entries(render(pipeline.variables)).map(([name, value]) => ({ name, value }));
    const input: Record<string, unknown> = { name: pipeline.name, clientRequestToken: token };
    if (variables.length > 0) input.variables = variables;
    return {
      status: 'planned',
      reason: `start CodePipeline ${pipeline.name}${variables.length ? ` with ${variables.map((v) => `${v.name}=${v.value}`).join(', ')}` : ''}`,
      calls: [{ service: 'codepipeline', operation: 'StartPipelineExecution', input }],
    };
  },
};

function renderValues(values: Record<string, string>, ctx: PlanContext): Record<string, string> {
  const vars = templateVars(ctx.signal, ctx.rule);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, renderTemplate(v, vars).text]));
}

/** PipelineExecutionDescription: at most 3072 characters. */
function describeTrigger(ctx: PlanContext): string {
  const what = ctx.signal.kind === 'alarm' ? `alarm ${ctx.signal.alarm}` : `monitoring job ${ctx.signal.job}`;
  return `Started by model-medic rule ${ctx.rule.id} for ${ctx.signal.endpoint ?? 'an unknown endpoint'} (${what})`.slice(0, 3072);
}
