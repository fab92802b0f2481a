// Node-only helpers of @letters/contract: output checks, atomic writes and temporaries, so that no
// letters command replaces what it did not write or leaves a partial file behind.
export { checkOutput, readHead, type OutputCheckOptions, type OutputShape } from './files/output-check.ts';
export { openFileAtomic, writeDirAtomic, writeFileAtomic, type AtomicFile } from './files/atomic.ts';
export { isReplaceableFolder, OUTPUT_MARKER, removeOwnedFolder, type OwnedFolderKind } from './files/owned.ts';
export { isLettersOnnx } from './files/recognise.ts';
export { releaseTemporary, removeStaleTemporaries, temporaryPath } from './files/temporaries.ts';
