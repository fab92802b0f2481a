import { DataType, type OnnxModel, type OnnxValueInfo } from './schema.ts';

export interface OnnxTensorSummary {
  name: string;
  /** Element type name (float32, int64, ...). */
  type: string;
  /** Dimensions: a number, or the name of a free dimension such as 'N'. */
  shape: (number | string)[];
}

export interface OnnxNodeSummary {
  name: string;
  opType: string;
  /** Computed inputs (values flowing through the graph); constants are counted in `parameters`. */
  inputs: string[];
  outputs: string[];
  /** Elements in this node's float constant inputs. */
  parameters: number;
}

/** What `letters inspect` shows about an ONNX model. */
export interface OnnxSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  graphName: string;
  inputs: OnnxTensorSummary[];
  outputs: OnnxTensorSummary[];
  /** Number of elements in float initializers (weights, biases, normalization statistics). */
  parameterCount: number;
  /** Nodes per op type, most frequent first. */
  opCounts: Record<string, number>;
  nodes: OnnxNodeSummary[];
  metadata: Record<string, string>;
}

const typeNames: Record<number, string> = {
  [DataType.FLOAT]: 'float32',
  [DataType.FLOAT16]: 'float16',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
};

function tensorSummary(info: OnnxValueInfo): OnnxTensorSummary {
  const tensor = info.type?.tensorType;
  return {
    name: info.name,
    type: tensor ? (typeNames[tensor.elemType] ?? `type ${tensor.elemType}`) : 'not a tensor',
    shape: (tensor?.shape?.dim ?? []).map((d) => d.dimParam ?? d.dimValue ?? '?'),
  };
}

export function summarizeOnnx(model: OnnxModel): OnnxSummary {
  const { graph } = model;
  const opCounts = new Map<string, number>();
  for (const node of graph.node) opCounts.set(node.opType, (opCounts.get(node.opType) ?? 0) + 1);
  const floats = new Map(
    graph.initializer.filter((t) => t.dataType === DataType.FLOAT).map((t) => [t.name, t.dims.reduce((a, b) => a * b, 1)]),
  );
  const constants = new Set(graph.initializer.map((t) => t.name));
  const parameterCount = [...floats.values()].reduce((a, b) => a + b, 0);
  return {
    irVersion: model.irVersion,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain ?? '', version: o.version })),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    graphName: graph.name ?? '',
    inputs: graph.input.filter((i) => !constants.has(i.name)).map(tensorSummary),
    outputs: graph.output.map(tensorSummary),
    parameterCount,
    opCounts: Object.fromEntries([...opCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    nodes: graph.node.map((n) => ({
      name: n.name ?? '',
      opType: n.opType,
      inputs: n.input.filter((i) => !constants.has(i)),
      outputs: n.output,
      parameters: n.input.reduce((sum, i) => sum + (floats.get(i) ?? 0), 0),
    })),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value])),
  };
}
