import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { EMNIST_GZIP_URL, LETTERS_FILES, fetchEmnist, loadDataset } from '../../src/data/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';

const shared = inject('sharedData');
const sample = (kind: string) => readFileSync(join(shared, 'emnist-letters', `emnist-letters-train-sample-${kind}-ubyte.gz`));

/** The four Letters files, made of the real train sample (3,536 images) under the official names. */
const letters = (): Record<string, Uint8Array> => ({
  [LETTERS_FILES[0]]: sample('images-idx3'),
  [LETTERS_FILES[1]]: sample('labels-idx1'),
  [LETTERS_FILES[2]]: sample('images-idx3'),
  [LETTERS_FILES[3]]: sample('labels-idx1'),
});
/** A small stand-in for NIST's gzip.zip: the same member names under gzip/, plus another variant. */
const archive = () =>
  zipSync({
    ...Object.fromEntries(Object.entries(letters()).map(([name, data]) => [`gzip/${name}`, data])),
    'gzip/emnist-letters-mapping.txt': new TextEncoder().encode('1 65 97\n'),
    'gzip/emnist-digits-test-labels-idx1-ubyte.gz': new Uint8Array(100),
  });

/** Leftovers in the data dir: no final file and no temporary one after a failure. */
const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

describe('download', () => {
  let server: Server;
  let base: string;
  const zip = archive();
  beforeAll(async () => {
    // A real HTTP server on localhost, standing in for biometrics.nist.gov.
    server = createServer((request, response) => {
      if (request.url === '/gzip.zip') {
        response.writeHead(200, { 'content-length': zip.length, 'content-type': 'application/zip' });
        response.end(zip);
      } else if (request.url === '/cut.zip') {
        response.writeHead(200, { 'content-length': zip.length });
        response.write(zip.subarray(0, zip.length >> 1), () => response.destroy());
      } else if (request.url === '/other.zip') {
        const other = zipSync({ 'readme.txt': new Uint8Array(10) });
        response.writeHead(200, { 'content-length': other.length });
        response.end(other);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  test('streams gzip.zip to the data dir, verifies it and extracts the Letters files', async () => {
    const dataDir = join(tempDir('fetch-ok'), 'data');
    const result = await fetchEmnist({ dataDir, url: `${base}/gzip.zip`, quiet: true, sha256: createHash('sha256').update(zip).digest('hex') });
    expect(result).toMatchObject({ origin: 'download', zip: join(dataDir, 'gzip.zip'), trainImages: 3536, testImages: 3536 });
    expect(readFileSync(join(dataDir, 'gzip.zip')).equals(zip)).toBe(true);
    expect(filesIn(dataDir).sort()).toEqual(['emnist-letters', 'gzip.zip', ...[...LETTERS_FILES, 'emnist-letters-mapping.txt'].map((f) => join('emnist-letters', f))].sort());
    expect(readFileSync(join(dataDir, 'emnist-letters', LETTERS_FILES[0])).equals(sample('images-idx3'))).toBe(true);
    const data = await loadDataset('emnist-letters', { dataDir, limit: 20 });
    expect(data.test.count).toBe(20);
    // A second fetch finds the files and does not download.
    expect((await fetchEmnist({ dataDir, url: `${base}/missing`, quiet: true })).origin).toBe('present');
  });

  test('a connection cut mid-transfer leaves no gzip.zip and no temporary file', async () => {
    const dataDir = join(tempDir('fetch-cut'), 'data');
    await expect(fetchEmnist({ dataDir, url: `${base}/cut.zip`, quiet: true })).rejects.toThrow(
      new RegExp(`cannot download ${base}/cut\\.zip .*--from DIR.*--data-dir`),
    );
    expect(filesIn(dataDir)).toEqual([]);
  });

  test('HTTP errors, a wrong sha256 and an archive without the Letters members are refused, leaving nothing', async () => {
    const dataDir = join(tempDir('fetch-bad'), 'data');
    await expect(fetchEmnist({ dataDir, url: `${base}/nope`, quiet: true })).rejects.toThrow(/HTTP 404/);
    await expect(fetchEmnist({ dataDir, url: `${base}/gzip.zip`, quiet: true, sha256: '00'.repeat(32) })).rejects.toThrow(
      /has sha256 [0-9a-f]{64}, expected 0{64}/,
    );
    await expect(fetchEmnist({ dataDir, url: `${base}/other.zip`, quiet: true })).rejects.toThrow(
      /other\.zip: the download is not the EMNIST archive \(.*lacks gzip\/emnist-letters-train-images-idx3-ubyte\.gz/,
    );
    expect(filesIn(dataDir)).toEqual([]);
  });
});

describe('offline', () => {
  test('fails fast naming the NIST URL, --from and --data-dir, and leaves no partial file', async () => {
    // This machine (and CI) has no internet: the real URL cannot be reached.
    const dataDir = join(tempDir('fetch-offline'), 'data');
    const error = await fetchEmnist({ dataDir, quiet: true, timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LettersError);
    const message = (error as LettersError).message;
    expect(message).toContain(`cannot download ${EMNIST_GZIP_URL}`);
    expect(message).toContain('letters data fetch --from DIR');
    expect(message).toContain('--data-dir');
    expect(filesIn(dataDir)).toEqual([]);
  });
});

describe('--from local files', () => {
  test('a folder holding the four .gz files', async () => {
    const from = tempDir('fetch-from-dir');
    for (const [name, data] of Object.entries(letters())) writeFileSync(join(from, name), data);
    const dataDir = tempDir('fetch-data');
    const result = await fetchEmnist({ dataDir, from, quiet: true });
    expect(result).toMatchObject({ origin: 'local', trainImages: 3536, testImages: 3536 });
    expect(result.files).toEqual(LETTERS_FILES.map((name) => join(dataDir, 'emnist-letters', name)));
    expect((await loadDataset('emnist-letters', { dataDir })).test.count).toBe(3536);
  });

  test('a gzip.zip in the folder, or named directly; only the Letters members are extracted', async () => {
    for (const named of [false, true]) {
      const from = tempDir('fetch-from-zip');
      writeFileSync(join(from, 'gzip.zip'), archive());
      const dataDir = tempDir('fetch-data');
      const result = await fetchEmnist({ dataDir, from: named ? join(from, 'gzip.zip') : from, quiet: true });
      expect(result).toMatchObject({ origin: 'local', zip: join(from, 'gzip.zip'), trainImages: 3536 });
      expect(filesIn(join(dataDir, 'emnist-letters')).sort()).toEqual([...LETTERS_FILES, 'emnist-letters-mapping.txt'].sort());
    }
  });

  test('a folder with neither names what is missing', async () => {
    const from = tempDir('fetch-from-empty');
    mkdirSync(join(from, 'gzip'));
    writeFileSync(join(from, 'gzip', LETTERS_FILES[0]), sample('images-idx3'));
    const dataDir = tempDir('fetch-data');
    await expect(fetchEmnist({ dataDir, from, quiet: true })).rejects.toThrow(
      `--from ${from}: found neither gzip.zip nor all four EMNIST Letters files (missing ${LETTERS_FILES.slice(1).join(', ')})`,
    );
    expect(filesIn(dataDir)).toEqual([]);
  });
});
