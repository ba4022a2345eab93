// The minimal reference handler for the cold-init comparison: one file that only publishes
// the event to SNS with @aws-sdk/client-sns. Bundled with the same options as the functions.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

const sns = new SNSClient({});

export const handler = async (event) => {
  const out = await sns.send(
    new PublishCommand({
      TopicArn: process.env.OPS_TOPIC_ARN,
      Subject: `event ${event?.id ?? 'unknown'}`,
      Message: JSON.stringify(event),
    }),
  );
  return { published: out.MessageId };
};
