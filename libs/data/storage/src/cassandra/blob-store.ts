import { createHash } from 'node:crypto';
import type { Client } from 'cassandra-driver';

/** Cassandra cells stay well below the recommended maximum partition cell size. */
const CHUNK_BYTES = 512 * 1024;

export interface BlobMeta {
  blobId: string;
  kind: string;
  chunks: number;
  bytes: number;
  sha256: string;
}

/**
 * Model artifacts and interaction snapshots as chunked blobs in Cassandra, reachable from every
 * worker. Writes are idempotent (same id, same chunks); reads verify the checksum.
 */
export class BlobStore {
  constructor(private readonly client: Client) {}

  async put(blobId: string, kind: string, data: Uint8Array, ttlSeconds: number): Promise<BlobMeta> {
    const chunks = Math.max(1, Math.ceil(data.byteLength / CHUNK_BYTES));
    const sha256 = createHash('sha256').update(data).digest('hex');
    for (let start = 0; start < chunks; start += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, chunks - start) }, (_, j) => {
          const chunk = start + j;
          const slice = Buffer.from(
            data.buffer,
            data.byteOffset + chunk * CHUNK_BYTES,
            Math.min(CHUNK_BYTES, data.byteLength - chunk * CHUNK_BYTES),
          );
          return this.client.execute(
            'INSERT INTO blobs (blob_id, chunk, data) VALUES (?, ?, ?) USING TTL ?',
            [blobId, chunk, slice, ttlSeconds],
            {
              prepare: true,
            },
          );
        }),
      );
    }
    // Meta last: a blob is readable only once every chunk is in.
    await this.client.execute(
      'INSERT INTO blob_meta (blob_id, kind, chunks, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?) USING TTL ?',
      [blobId, kind, chunks, data.byteLength, sha256, new Date(), ttlSeconds],
      { prepare: true },
    );
    return { blobId, kind, chunks, bytes: data.byteLength, sha256 };
  }

  async meta(blobId: string): Promise<BlobMeta | null> {
    const row = (
      await this.client.execute('SELECT * FROM blob_meta WHERE blob_id = ?', [blobId], { prepare: true })
    ).first();
    if (!row) return null;
    return {
      blobId,
      kind: row['kind'] as string,
      chunks: row['chunks'] as number,
      bytes: Number(row['bytes']),
      sha256: row['sha256'] as string,
    };
  }

  async get(blobId: string): Promise<Uint8Array> {
    const meta = await this.meta(blobId);
    if (!meta) throw new Error(`blob ${blobId} does not exist (expired, or never completely written)`);
    const out = new Uint8Array(meta.bytes);
    let offset = 0;
    let seen = 0;
    for await (const row of this.client.stream('SELECT chunk, data FROM blobs WHERE blob_id = ?', [blobId], {
      prepare: true,
      fetchSize: 4,
    }) as unknown as AsyncIterable<Record<string, unknown>>) {
      const data = row['data'] as Buffer;
      out.set(data, offset);
      offset += data.byteLength;
      seen += 1;
    }
    const sha256 = createHash('sha256').update(out).digest('hex');
    if (seen !== meta.chunks || offset !== meta.bytes || sha256 !== meta.sha256) {
      throw new Error(
        `blob ${blobId} is corrupt: ${seen}/${meta.chunks} chunks, ${offset}/${meta.bytes} bytes, checksum ${sha256 === meta.sha256 ? 'ok' : 'mismatch'}`,
      );
    }
    return out;
  }
}
