export { LettersError, DataNotFoundError, inFile } from './errors.ts';
export { concatFloat32 } from './arrays.ts';
export { writeFileAtomic, writeDirAtomic, temporaryPath } from './atomic.ts';
export { progressBar, type Progress, type ProgressOptions } from './progress.ts';
export { terminalTable, markdownTable, type Column, type Cell } from './table.ts';
export { type CommandContext, type LettersCommand, globalOptions } from './command.ts';
