import { LettersError } from '@letters/contract';

/**
 * What a Classifier reads from an ONNX file besides running it: the IR version, the `metadata_props`
 * (onnxruntime's JS sessions do not expose them) and the graph outputs' shapes. Read straight from the
 * protobuf wire format, skipping everything else (weights included) without copying it: no protobuf
 * library in the browser bundle. Field numbers are those of onnx.proto.
 */
export interface OnnxHeader {
  readonly irVersion: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** Each graph output: its name and dimensions (a number, a named free dimension, or undefined). */
  readonly outputs: readonly { readonly name: string; readonly dims: readonly (number | string | undefined)[] }[];
}

const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A bounds-checked cursor over one protobuf message. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    private pos = 0,
    private readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.end || shift > 63) throw new Error('truncated or overlong varint');
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }

  /** The next field's number and wire type. */
  key(): { field: number; wire: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wire: key % 8 };
  }

  /** A length-delimited field as a reader of its own. */
  message(): Reader {
    const length = this.varint();
    if (this.pos + length > this.end) throw new Error('a field runs past the end of its message');
    const reader = new Reader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  string(): string {
    const field = this.message();
    return utf8.decode(this.bytes.subarray(field.pos, field.end));
  }

  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === BYTES) this.message();
    else if (wire === FIXED64 || wire === FIXED32) {
      this.pos += wire === FIXED64 ? 8 : 4;
      if (this.pos > this.end) throw new Error('a fixed-size field runs past the end of its message');
    } else throw new Error(`unknown wire type ${wire}`);
  }
}

/** Calls `visit` for each field; fields it does not consume are skipped. */
function fields(reader: Reader, visit: (field: number, wire: number) => boolean): void {
  while (!reader.done) {
    const { field, wire } = reader.key();
    if (!visit(field, wire)) reader.skip(wire);
  }
}

function dimension(reader: Reader): number | string | undefined {
  let dim: number | string | undefined;
  fields(reader, (field, wire) => {
    if (field === 1 && wire === VARINT) dim = reader.varint(); // dim_value
    else if (field === 2 && wire === BYTES) dim = reader.string(); // dim_param
    else return false;
    return true;
  });
  return dim;
}

/** ValueInfoProto -> name and TypeProto.tensor_type.shape.dim. */
function valueInfo(reader: Reader): OnnxHeader['outputs'][number] {
  let name = '';
  const dims: (number | string | undefined)[] = [];
  fields(reader, (field, wire) => {
    if (wire !== BYTES) return false;
    if (field === 1) name = reader.string();
    else if (field === 2) {
      const type = reader.message();
      fields(type, (typeField, typeWire) => {
        if (typeField !== 1 || typeWire !== BYTES) return false; // tensor_type
        const tensor = type.message();
        fields(tensor, (tensorField, tensorWire) => {
          if (tensorField !== 2 || tensorWire !== BYTES) return false; // shape
          const shape = tensor.message();
          fields(shape, (shapeField, shapeWire) => {
            if (shapeField !== 1 || shapeWire !== BYTES) return false; // dim
            dims.push(dimension(shape.message()));
            return true;
          });
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return { name, dims };
}

/** Reads the header of ONNX bytes; `source` (a file name) goes into the error when they are not a model. */
export function readOnnxHeader(bytes: Uint8Array, source: string): OnnxHeader {
  let irVersion = 0;
  let graph = false;
  const metadata: Record<string, string> = {};
  const outputs: OnnxHeader['outputs'][number][] = [];
  try {
    const model = new Reader(bytes);
    fields(model, (field, wire) => {
      if (field === 1 && wire === VARINT) irVersion = model.varint();
      else if (field === 7 && wire === BYTES) {
        graph = true;
        const graphReader = model.message();
        fields(graphReader, (graphField, graphWire) => {
          if (graphField !== 12 || graphWire !== BYTES) return false; // output
          outputs.push(valueInfo(graphReader.message()));
          return true;
        });
      } else if (field === 14 && wire === BYTES) {
        const entry = model.message();
        let key = '';
        let value = '';
        fields(entry, (entryField, entryWire) => {
          if (entryWire !== BYTES || (entryField !== 1 && entryField !== 2)) return false;
          if (entryField === 1) key = entry.string();
          else value = entry.string();
          return true;
        });
        metadata[key] = value;
      } else return false;
      return true;
    });
  } catch (error) {
    throw new LettersError(`${source}: not an ONNX model (${(error as Error).message}); pass a .onnx file`, { cause: error });
  }
  if (!graph || !irVersion) throw new LettersError(`${source}: not an ONNX model (no graph or IR version); pass a .onnx file`);
  return { irVersion, metadata, outputs };
}
