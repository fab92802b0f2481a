export { evaluateClassifier, type Evaluation, type EvaluateOptions } from './evaluate.ts';
export { MetricsAccumulator, type ClassificationMetrics, type ClassMetrics } from './metrics.ts';
export { evaluateCommand, compareEvaluations } from './command.ts';
