/**
 * Model artifacts: a JSON header (algorithm, ids, params, array shapes) followed by the raw bytes of
 * each typed array, 4-byte aligned. Compact, and loads without parsing numbers one by one.
 */
export type ArtifactArrays = Record<string, Float32Array | Int32Array | Float64Array>;

const MAGIC = 0x4d514d31; // "MQM1"

export function packArtifact(header: Record<string, unknown>, arrays: ArtifactArrays): Uint8Array {
  const layout = Object.entries(arrays).map(([name, array]) => ({
    name,
    type: array instanceof Float32Array ? 'f32' : array instanceof Int32Array ? 'i32' : 'f64',
    length: array.length,
  }));
  const headerBytes = new TextEncoder().encode(JSON.stringify({ ...header, arrays: layout }));
  const headerPadded = Math.ceil(headerBytes.length / 8) * 8;
  let total = 8 + headerPadded;
  for (const array of Object.values(arrays)) total += Math.ceil(array.byteLength / 8) * 8;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let offset = 8 + headerPadded;
  for (const array of Object.values(arrays)) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  return out;
}

export function unpackArtifact(bytes: Uint8Array): {
  header: Record<string, unknown>;
  arrays: ArtifactArrays;
} {
  if (bytes.byteLength < 8) throw new Error('model artifact is truncated (no header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a Marquee model artifact (bad magic number)');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) throw new Error('model artifact is truncated (header)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    unknown
  > & {
    arrays: Array<{ name: string; type: 'f32' | 'i32' | 'f64'; length: number }>;
  };
  let offset = 8 + Math.ceil(headerLength / 8) * 8;
  const arrays: ArtifactArrays = {};
  for (const { name, type, length } of header.arrays) {
    const size = type === 'f64' ? 8 : 4;
    if (offset + length * size > bytes.byteLength)
      throw new Error(`model artifact is truncated (array ${name})`);
    // Copy so the arrays are aligned and independent of the input buffer.
    const slice = bytes.slice(offset, offset + length * size);
    arrays[name] =
      type === 'f32'
        ? new Float32Array(slice.buffer)
        : type === 'i32'
          ? new Int32Array(slice.buffer)
          : new Float64Array(slice.buffer);
    offset += Math.ceil((length * size) / 8) * 8;
  }
  const { arrays: _layout, ...rest } = header;
  return { header: rest, arrays };
}
