// Node-only helpers of @letters/contract: output checks, atomic writes, temporaries and bounded reads, so
// that no letters command replaces what it did not write, leaves a partial file behind or reads without limit.
export { checkOutput, readHead, type OutputCheckOptions, type OutputShape } from './files/output-check.ts';
export { openFileAtomic, writeDirAtomic, writeFileAtomic, type AtomicFile } from './files/atomic.ts';
export { isReplaceableFolder, OUTPUT_MARKER, removeOwnedFolder, type OwnedFolderKind } from './files/owned.ts';
export { isLettersOnnx } from './files/recognise.ts';
export { readRegularFile } from './files/read-regular-file.ts';
export { releaseTemporary, removeStaleTemporaries, temporaryPath } from './files/temporaries.ts';
