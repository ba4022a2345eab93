// The codepipeline client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const codepipeline: ClientLoader = {
  service: 'codepipeline',
  async load(config) {
    const m = await import('../clients/codepipeline.js');
    return senderFor(
      new m.CodePipelineClient(config),
      { ListPipelineExecutions: m.ListPipelineExecutionsCommand, StartPipelineExecution: m.StartPipelineExecutionCommand },
      'codepipeline',
    );
  },
};
