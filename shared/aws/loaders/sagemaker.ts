// The sagemaker client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const sagemaker: ClientLoader = {
  service: 'sagemaker',
  async load(config) {
    const m = await import('../clients/sagemaker.js');
    return senderFor(
      new m.SageMakerClient(config),
      {
        DescribeEndpoint: m.DescribeEndpointCommand,
        DescribeEndpointConfig: m.DescribeEndpointConfigCommand,
        CreateEndpointConfig: m.CreateEndpointConfigCommand,
        DescribeProcessingJob: m.DescribeProcessingJobCommand,
        ListProcessingJobs: m.ListProcessingJobsCommand,
        ListPipelineExecutions: m.ListPipelineExecutionsCommand,
        UpdateEndpointWeightsAndCapacities: m.UpdateEndpointWeightsAndCapacitiesCommand,
        UpdateEndpoint: m.UpdateEndpointCommand,
        StartPipelineExecution: m.StartPipelineExecutionCommand,
      },
      'sagemaker',
    );
  },
};
