export { renderChart, writeChart, chartConfig, CHART_FONT, type Chart, type RenderOptions } from './render.ts';
export { trainingCurves, type RunHistory, type EpochMetrics, type TrainingCurvesOptions } from './training-curves.ts';
export { confusionMatrixChart, type ConfusionMatrixOptions } from './confusion-matrix.ts';
export { barChart, type BarRow, type BarChartOptions } from './bar-chart.ts';
export { imageGrid, type ImageGridOptions } from './image-grid.ts';
