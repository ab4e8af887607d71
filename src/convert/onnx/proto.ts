/** Small constructors over the onnx-proto (protobufjs) message types. */
import { onnx } from 'onnx-proto';

export { onnx };

export const DataType = onnx.TensorProto.DataType;
export type DataTypeId = number;

export const OPSET = 17;
export const MS_DOMAIN = 'com.microsoft';
// IR 8 is what onnx 1.12 (opset 17) writes and checks; onnxruntime reads it.
export const IR_VERSION = 8;

export const ELEMENT_BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.FLOAT16]: 2,
  [DataType.INT8]: 1,
  [DataType.UINT8]: 1,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
};

export type Dim = number | string;

export function valueInfo(name: string, elemType: DataTypeId, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export type AttrValue =
  | { kind: 'int'; v: number }
  | { kind: 'float'; v: number }
  | { kind: 'ints'; v: number[] }
  | { kind: 'string'; v: string };

export const attr = {
  int: (v: number): AttrValue => ({ kind: 'int', v }),
  float: (v: number): AttrValue => ({ kind: 'float', v }),
  ints: (v: number[]): AttrValue => ({ kind: 'ints', v }),
  string: (v: string): AttrValue => ({ kind: 'string', v }),
};

export function attributeProto(name: string, a: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.v };
    case 'float':
      return { name, type: T.FLOAT, f: a.v };
    case 'ints':
      return { name, type: T.INTS, ints: a.v };
    case 'string':
      return { name, type: T.STRING, s: Buffer.from(a.v, 'utf8') };
  }
}

/** An initializer whose bytes are in the proto itself. */
export function inlineTensor(name: string, dataType: DataTypeId, dims: number[], raw: Uint8Array): onnx.ITensorProto {
  return { name, dataType, dims, rawData: raw };
}

/** An initializer whose bytes live in the external data file next to model.onnx. */
export function externalTensor(name: string, dataType: DataTypeId, dims: number[], location: string, offset: number, length: number): onnx.ITensorProto {
  return {
    name,
    dataType,
    dims,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
