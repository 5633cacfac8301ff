// An engine snapshot (snapshot.ts) as one file's bytes and back (docs/checkpoints.md):
//   "LSCKPT1\n"  8 bytes of magic
//   H            uint32, little-endian: the header's length in bytes
//   header       H bytes of UTF-8 JSON: { format, …caller's fields, arrays: [{type, offset, length}],
//                snapshot } where each typed array of the snapshot is {"$array": index}
//   padding      zeros up to a multiple of 8 bytes
//   data         the arrays' bytes (platform order: little-endian on every supported platform),
//                each at its `offset` from the data's start, a multiple of 8
//   CRC-32       uint32, little-endian, of every byte before it
// A truncated, altered or foreign file fails decoding with a SnapshotMismatch saying why.

import { SnapshotMismatch, type EngineSnapshot, type SnapshotArray } from './snapshot.ts';

const MAGIC = 'LSCKPT1\n';
export const CHECKPOINT_FORMAT = 'latentspike/checkpoint@1';

const ARRAY_TYPES = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
} as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

interface ArrayEntry {
  type: ArrayTypeName;
  offset: number;
  length: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function arrayTypeName(value: object): ArrayTypeName | null {
  for (const name of Object.keys(ARRAY_TYPES) as ArrayTypeName[]) {
    if (value instanceof ARRAY_TYPES[name]) return name;
  }
  return null;
}

/**
 * The file's bytes for `snapshot`; `fields` are stored in the header beside it (the CLI's run-file
 * hash) and come back from decodeSnapshot.
 */
export function encodeSnapshot(snapshot: EngineSnapshot, fields: Record<string, unknown> = {}): Uint8Array {
  const arrays: SnapshotArray[] = [];
  const entries: ArrayEntry[] = [];
  let dataBytes = 0;
  const walk = (value: unknown, path: string): unknown => {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`snapshot ${path}: ${value} is not a finite number`);
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
    if (typeof value === 'object') {
      const type = arrayTypeName(value);
      if (type) {
        const array = value as SnapshotArray;
        entries.push({ type, offset: dataBytes, length: array.length });
        arrays.push(array);
        dataBytes = align8(dataBytes + array.byteLength);
        return { $array: arrays.length - 1 };
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
    }
    throw new Error(`snapshot ${path}: cannot store a ${typeof value}`);
  };
  const tree = walk(snapshot, 'snapshot');
  const header = new TextEncoder().encode(
    JSON.stringify({ format: CHECKPOINT_FORMAT, ...fields, arrays: entries, snapshot: tree }),
  );
  const dataStart = align8(12 + header.length);
  const bytes = new Uint8Array(dataStart + dataBytes + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  arrays.forEach((array, i) => {
    bytes.set(
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
      dataStart + entries[i].offset,
    );
  });
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** The snapshot and the header's other fields; a SnapshotMismatch when the bytes are not a sound checkpoint. */
export function decodeSnapshot(bytes: Uint8Array): {
  snapshot: EngineSnapshot;
  fields: Record<string, unknown>;
} {
  const bad = (why: string) => new SnapshotMismatch(`not a readable latentspike checkpoint: ${why}`);
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw bad('it does not start with the checkpoint signature');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) {
    throw bad('its checksum does not match (truncated or altered)');
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length - 4) throw bad('its header runs past the end');
  let header: { format?: unknown; arrays?: ArrayEntry[]; snapshot?: unknown; [k: string]: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw bad('its header is not valid JSON');
  }
  if (header.format !== CHECKPOINT_FORMAT) {
    throw bad(`format ${JSON.stringify(header.format)}, expected ${JSON.stringify(CHECKPOINT_FORMAT)}`);
  }
  const dataStart = align8(12 + headerLength);
  const dataEnd = bytes.length - 4;
  const entries = header.arrays ?? [];
  const arrays = entries.map(({ type, offset, length }, i) => {
    const Kind = ARRAY_TYPES[type];
    if (!Kind || !Number.isInteger(offset) || !Number.isInteger(length) || offset % 8 !== 0)
      throw bad(`array ${i} is described wrongly`);
    const start = dataStart + offset;
    const size = length * Kind.BYTES_PER_ELEMENT;
    if (start + size > dataEnd) throw bad(`array ${i} runs past the end`);
    // A copy: aligned for its type, and independent of the file's buffer.
    return new Kind(bytes.slice(start, start + size).buffer);
  });
  const unwalk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(unwalk);
    if (value !== null && typeof value === 'object') {
      const ref = (value as { $array?: unknown }).$array;
      if (typeof ref === 'number') {
        if (!arrays[ref]) throw bad(`array reference ${ref} is missing`);
        return arrays[ref];
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwalk(v)]));
    }
    return value;
  };
  const snapshot = unwalk(header.snapshot) as EngineSnapshot;
  if (
    !snapshot ||
    typeof snapshot !== 'object' ||
    !Array.isArray(snapshot.finished) ||
    typeof snapshot.state !== 'object' ||
    typeof snapshot.network !== 'object'
  ) {
    throw bad('it holds no engine snapshot');
  }
  const { format: _format, arrays: _arrays, snapshot: _snapshot, ...fields } = header;
  return { snapshot, fields };
}
