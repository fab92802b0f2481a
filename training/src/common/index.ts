// What every part of the training package shares. The error type, array helper and atomic writes are
// the contract package's (one definition for all packages), re-exported here for the package's modules.
export { LettersError, concatFloat32 } from '@letters/contract';
export { removeOwnedFolder, temporaryPath, writeDirAtomic, writeFileAtomic } from '@letters/contract/node';
export { DataNotFoundError, inFile } from './errors.ts';
export { progressBar, type Progress, type ProgressOptions } from './progress.ts';
export { terminalTable, markdownTable, type Column, type Cell } from './table.ts';
