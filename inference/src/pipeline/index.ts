export { runStudy, PROFILES, MODEL_NAMES, type PipelineOptions, type StudyProfile, type StudyResults, type ModelResult, type ModelName } from './pipeline.ts';
export { loadStudyData, SYNTHETIC_WARNING, type StudyData, type StudyDataOptions } from './study-data.ts';
export { writeStudyReport } from './study-report.ts';
export { writeReport, type Report, type ReportSection, type ReportImage } from './report-writer.ts';
export { StageCache, stageKey, type StageDefinition, type StageOutcome } from './stage-cache.ts';
export { pipelineCommands } from './command.ts';
