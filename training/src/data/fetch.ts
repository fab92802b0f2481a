/**
 * `letters data fetch`: gets the official EMNIST archive from NIST (or local copies) and extracts
 * the Letters files into `<data dir>/emnist-letters/`. Downloads stream to a temporary name and are
 * renamed only when complete and verified, so an interrupted fetch never leaves a partial file
 * under the final name.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { LettersError, progressBar, temporaryPath, writeFileAtomic } from '../common/index.ts';
import { findFile, resolveDataDir, searchDirs } from './data-dir.ts';
import { withZip } from './formats/zip.ts';
import { readDataFile } from './limits.ts';
import { decodeIdxPair, EMNIST_CLASS_NAMES, EMNIST_ZIP_NAME, emnistFileName } from './sources/emnist.ts';

/** The official EMNIST archive (561 MB; all variants as IDX .gz files under `gzip/`). */
export const EMNIST_GZIP_URL = 'https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip';

/** The Letters files `data fetch` extracts, by name (in the archive they sit under `gzip/`). */
export const LETTERS_FILES: readonly string[] = [
  emnistFileName('letters', 'train', 'images'),
  emnistFileName('letters', 'train', 'labels'),
  emnistFileName('letters', 'test', 'images'),
  emnistFileName('letters', 'test', 'labels'),
];
const MAPPING_FILE = 'emnist-letters-mapping.txt';

/** The folder of the data directory that receives the Letters files. */
export const LETTERS_DIR = 'emnist-letters';

export interface FetchOptions {
  /** Data directory (default: LETTERS_DATA_DIR, else ./data). */
  readonly dataDir?: string;
  /** Local files instead of a download: a folder with the four Letters .gz files or gzip.zip, or the gzip.zip itself. */
  readonly from?: string;
  /** Default EMNIST_GZIP_URL. */
  readonly url?: string;
  /** Expected sha256 (hex) of gzip.zip; checked when given. */
  readonly sha256?: string;
  /** Give up when the server has not answered within this time (default 15 s), or sent nothing for 4x as long. */
  readonly timeoutMs?: number;
  /** Fetch again even when the Letters files are already there. */
  readonly force?: boolean;
  readonly quiet?: boolean;
}

export interface FetchResult {
  /** 'present': nothing to do; 'download': from the URL; 'local': from `--from`. */
  readonly origin: 'present' | 'download' | 'local';
  /** The archive read (downloaded or local), if any. */
  readonly zip?: string;
  /** The Letters files now in the data directory. */
  readonly files: readonly string[];
  readonly trainImages: number;
  readonly testImages: number;
}

/** Gets EMNIST Letters into `<dataDir>/emnist-letters/`: from `--from`, else downloading gzip.zip. */
export async function fetchEmnist(options: FetchOptions = {}): Promise<FetchResult> {
  const dataDir = resolveDataDir(options.dataDir);
  const target = join(dataDir, LETTERS_DIR);
  const existing = LETTERS_FILES.map((name) => join(target, name));
  if (!options.force && options.from === undefined && existing.every((path) => existsSync(path))) {
    const counts = await verifyLetters(await readAll(existing), existing);
    return { origin: 'present', files: existing, ...counts };
  }
  if (options.from !== undefined) {
    const local = findLocal(options.from);
    if (local.kind === 'files') {
      const data = await readAll(local.paths);
      const counts = await verifyLetters(data, local.paths);
      const files = await writeLetters(target, data, local.mapping === undefined ? undefined : await readDataFile(local.mapping));
      return { origin: 'local', files, ...counts };
    }
    const { data, mapping } = await readLettersFromZip(local.zip);
    const counts = await verifyLetters(data, LETTERS_FILES.map((name) => `${local.zip}:gzip/${name}`));
    return { origin: 'local', zip: local.zip, files: await writeLetters(target, data, mapping), ...counts };
  }
  const url = options.url ?? EMNIST_GZIP_URL;
  const zip = join(dataDir, EMNIST_ZIP_NAME);
  await mkdir(dataDir, { recursive: true });
  const tmp = temporaryPath(zip);
  try {
    await download(url, tmp, options);
    // Open the archive and decode the Letters files before the download takes its final name.
    const { data, mapping } = await readLettersFromZip(tmp).catch((error: unknown) => {
      throw new LettersError(`${url}: the download is not the EMNIST archive (${(error as Error).message})`, { cause: error });
    });
    const counts = await verifyLetters(data, LETTERS_FILES.map((name) => `${url}:gzip/${name}`));
    await rename(tmp, zip);
    return { origin: 'download', zip, files: await writeLetters(target, data, mapping), ...counts };
  } finally {
    await rm(tmp, { force: true });
  }
}

type LocalFiles = { kind: 'files'; paths: string[]; mapping?: string } | { kind: 'zip'; zip: string };

/** `--from`: the four .gz files (flat, or in gzip/ or emnist-letters/), else a gzip.zip; or the archive itself. */
function findLocal(from: string): LocalFiles {
  if (!existsSync(from)) throw new LettersError(`--from ${from}: no such file or folder`);
  if (statSync(from).isFile()) return { kind: 'zip', zip: from };
  const dirs = searchDirs(from, ['gzip', LETTERS_DIR]);
  const paths = LETTERS_FILES.map((name) => findFile(dirs, [name]));
  if (paths.every((path) => path !== undefined)) return { kind: 'files', paths, mapping: findFile(dirs, [MAPPING_FILE]) };
  const zip = findFile(searchDirs(from, ['emnist']), [EMNIST_ZIP_NAME]);
  if (zip !== undefined) return { kind: 'zip', zip };
  const missing = LETTERS_FILES.filter((_, i) => paths[i] === undefined);
  throw new LettersError(
    `--from ${from}: found neither ${EMNIST_ZIP_NAME} nor all four EMNIST Letters files (missing ${missing.join(', ')}); ` +
      `put the official files there or download ${EMNIST_GZIP_URL}`,
  );
}

async function readAll(paths: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(paths.map((path) => readDataFile(path)));
}

/** The four Letters members (and the mapping, when there) of gzip.zip, read without extracting the rest. */
async function readLettersFromZip(zip: string): Promise<{ data: Uint8Array[]; mapping?: Uint8Array }> {
  return withZip(zip, async (archive) => {
    const members = LETTERS_FILES.map((name) => `gzip/${name}`);
    const missing = members.filter((member) => !archive.entries.has(member));
    if (missing.length > 0) {
      throw new LettersError(
        `${zip}: the archive lacks ${missing.join(', ')}; it is not the official EMNIST gzip.zip (${EMNIST_GZIP_URL})`,
      );
    }
    const data: Uint8Array[] = [];
    for (const member of members) data.push(await archive.read(member));
    const mappingMember = `gzip/${MAPPING_FILE}`;
    return { data, mapping: archive.entries.has(mappingMember) ? await archive.read(mappingMember) : undefined };
  });
}

/** Decodes train and test fully (magic, lengths, counts, labels 1-26) before anything is written. */
async function verifyLetters(data: readonly Uint8Array[], names: readonly string[]) {
  const classNames = EMNIST_CLASS_NAMES.letters;
  const pair = (i: number) => ({ images: data[i], labels: data[i + 1], imagesName: names[i], labelsName: names[i + 1] });
  return { trainImages: decodeIdxPair(pair(0), classNames).count, testImages: decodeIdxPair(pair(2), classNames).count };
}

async function writeLetters(target: string, data: readonly Uint8Array[], mapping?: Uint8Array): Promise<string[]> {
  const files = LETTERS_FILES.map((name) => join(target, name));
  for (let i = 0; i < files.length; i++) await writeFileAtomic(files[i], data[i]);
  if (mapping !== undefined) await writeFileAtomic(join(target, MAPPING_FILE), mapping);
  return files;
}

/** Streams `url` into the file `path` with a progress bar, checking the length and the optional sha256. */
async function download(url: string, path: string, options: FetchOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const controller = new AbortController();
  // Aborts when the server does not answer in time, and later when the transfer stalls.
  let timer = setTimeout(() => controller.abort(), timeoutMs);
  const failed = (problem: string, cause?: unknown) =>
    new LettersError(
      `cannot download ${url} (${problem}); without internet access, download it elsewhere and run ` +
        '`letters data fetch --from DIR`, or point --data-dir at a folder that already holds the EMNIST files',
      { cause },
    );
  let received = 0;
  try {
    const response = await fetch(url, { signal: controller.signal }).catch((error: unknown) => {
      const cause = (error as { cause?: { message?: string } }).cause;
      throw failed(controller.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (cause?.message ?? (error as Error).message), error);
    });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw failed(`HTTP ${response.status} ${response.statusText}`);
    }
    const total = Number(response.headers.get('content-length') ?? 0);
    const megabytes = (bytes: number) => Math.floor(bytes / 1e6);
    const progress = progressBar({ label: basename(url), total: megabytes(total), unit: 'MB', quiet: options.quiet || total === 0 });
    const hash = createHash('sha256');
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            clearTimeout(timer);
            timer = setTimeout(() => controller.abort(), 4 * timeoutMs);
            hash.update(chunk);
            progress.tick(megabytes(received + chunk.length) - megabytes(received));
            received += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path),
      );
    } catch (error) {
      throw failed(controller.signal.aborted ? `transfer stalled after ${received} bytes` : (error as Error).message, error);
    } finally {
      progress.stop();
    }
    if (total > 0 && received !== total) throw failed(`the connection closed after ${received} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (options.sha256 !== undefined && digest !== options.sha256.toLowerCase()) {
      throw new LettersError(`${url}: the download has sha256 ${digest}, expected ${options.sha256}; try again`);
    }
  } finally {
    clearTimeout(timer);
  }
}
