export { scoreFiles, type ScoreOptions, type ScoreResult } from './score.ts';
export { findImageFiles } from './find-files.ts';
export { formatRow, CSV_HEADER, type ScoreFormat } from './rows.ts';
export { scoreCommand, SOME_FAILED_EXIT_CODE } from './command.ts';
