// A training worker that fails on start, for the fallback test.
throw new Error('this worker is broken on purpose');
