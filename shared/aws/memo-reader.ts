/**
 * One event's reads, asked once: several actions of a rule describe the same endpoint, and
 * the answer cannot usefully change within the few milliseconds of one decision.
 */
import type { AwsReader } from './ports.js';

export function memoizeReader(reader: AwsReader): AwsReader {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      // A failed read is not remembered: the next action may try again.
      hit.catch(() => cache.delete(key));
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    describeEndpoint: (name) => once(`ep:${name}`, () => reader.describeEndpoint(name)),
    // Not remembered: redeploy asks whether its copy exists, and an earlier action of the same
    // rule may just have created it.
    describeEndpointConfig: (name) => reader.describeEndpointConfig(name),
    describeScalableTargets: (ids) => once(`st:${ids.join(',')}`, () => reader.describeScalableTargets(ids)),
    describeAlarms: (names) => once(`al:${names.join(',')}`, () => reader.describeAlarms(names)),
    describeProcessingJob: (name) => once(`pj:${name}`, () => reader.describeProcessingJob(name)),
    getJsonObject: (uri) => once(`s3:${uri}`, () => reader.getJsonObject(uri)),
    listSageMakerPipelineExecutions: (name) => once(`smp:${name}`, () => reader.listSageMakerPipelineExecutions(name)),
    listCodePipelineExecutions: (name) => once(`cp:${name}`, () => reader.listCodePipelineExecutions(name)),
  };
}
