/** Backtest aggregation: per-rule and per-endpoint summary of a run, and thrash detection. */
export {
  BacktestAggregator,
  type BacktestAggregatorOptions,
  type BacktestSummary,
  type EndpointActionSummary,
  OTHER_REASONS,
  type ReasonCount,
  type RejectedEvent,
  type RuleSummary,
  type SuppressionCounts,
} from './summary.js';
export { ThrashDetector, type ThrashFinding, type ThrashStep } from './thrash.js';
