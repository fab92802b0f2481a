import { open, stat } from 'node:fs/promises';
import { MAX_ONNX_BYTES, METADATA_KEYS } from '../contract.ts';

/**
 * How much of a model's end is searched: protobuf writers emit fields in number order, so the
 * metadata (ModelProto field 14) follows the graph and its weights, and sits in the last few KB.
 */
const METADATA_TAIL_BYTES = 1 << 20;

/** Whether `path` is an ONNX file letters exported: its metadata carries the `letters.labels` entry. */
export async function isLettersOnnx(path: string): Promise<boolean> {
  const info = await stat(path);
  if (!info.isFile() || info.size > MAX_ONNX_BYTES) return false;
  const length = Math.min(info.size, METADATA_TAIL_BYTES);
  const file = await open(path, 'r');
  try {
    const tail = Buffer.alloc(length);
    await file.read(tail, 0, length, info.size - length);
    return tail.includes(METADATA_KEYS.labels);
  } finally {
    await file.close();
  }
}
