import { parentPort } from 'node:worker_threads';
import { compactShared, probeBuckets, type DuplicatePlan } from './find-duplicates.js';
import { IdColumn } from './id-column.js';
import { hashFirstPart, parsePart, type FirstPartHash, type HashRequest, type PartRequest, type PartResult } from './parse-part.js';

/**
 * The parse worker (started by parse-worker-client.ts, one per large file): maybe first hashes
 * the file's first part (a HashRequest, while the reader reads its first chunk), then waits for
 * the part it is to parse, parses it (hashing it after the first part), sends the columns back
 * (their memory moved, or shared, not copied) and ends — or, asked to stay (PartRequest.stay),
 * waits to compact some of the shared columns once the duplicates are known (a CompactRequest;
 * ingest), then ends. Any error is sent back as a message: the reader then parses the part (and
 * hashes the file) itself.
 */
export type PartReply = { ok: true; part: PartResult } | { ok: false; error: string };

/** Feature columns in shared memory to compact in place with the reader's thread (compactShared: `next` and `missing` shared too), the first `n` rows under the duplicate mask. */
export interface CompactRequest {
  compact: Float64Array[];
  mask: Uint8Array;
  n: number;
  next: Int32Array;
  missing: Float64Array;
}
export type CompactReply = { ok: true } | { ok: false; error: string };

/**
 * Buckets [from, to) of a duplicate search (find-duplicates.ts) to probe here while the reader's
 * thread probes the others: the dataset's first `rows` rows (its columns and ids), the plan and
 * the mask, all in shared memory. Replied to with a CompactReply; the worker stays (a
 * CompactRequest follows).
 */
export interface ProbeRequest {
  probe: DuplicatePlan;
  from: number;
  to: number;
  rows: number;
  x: Float64Array[];
  y: Uint8Array;
  idStarts: Uint32Array;
  idLens: Uint32Array;
  idBytes: Uint8Array;
  mask: Uint8Array;
}

const port = parentPort;
if (port) {
  let first: FirstPartHash | Error | null = null;
  port.on('message', (m: HashRequest | PartRequest | CompactRequest | ProbeRequest) => {
    if ('probe' in m) {
      let done: CompactReply;
      try {
        // A Buffer crosses threads as a plain Uint8Array: a Buffer again over the same memory.
        const ids = IdColumn.fromParts(m.idStarts, m.idLens, Buffer.from(m.idBytes.buffer, m.idBytes.byteOffset, m.idBytes.byteLength));
        probeBuckets({ features: [], rows: m.rows, ids, x: m.x, y: m.y }, m.probe, m.from, m.to, m.mask);
        done = { ok: true };
      } catch (err) {
        done = { ok: false, error: (err as Error)?.message ?? String(err) };
      }
      port.postMessage(done);
      return;
    }
    if ('compact' in m) {
      let done: CompactReply;
      try {
        compactShared(m.compact, m.mask, m.n, m.next, m.missing);
        done = { ok: true };
      } catch (err) {
        done = { ok: false, error: (err as Error)?.message ?? String(err) };
      }
      port.postMessage(done);
      port.close();
      return;
    }
    if ('hashTo' in m) {
      try {
        first = hashFirstPart(m);
      } catch (err) {
        first = err as Error;
      }
      return;
    }
    let reply: PartReply;
    try {
      if (first instanceof Error) throw first;
      reply = { ok: true, part: parsePart(m, first) };
    } catch (err) {
      reply = { ok: false, error: (err as Error)?.message ?? String(err) };
    }
    port.postMessage(reply, reply.ok ? transferList(reply.part) : []);
    if (!reply.ok || !m.stay) port.close();
  });
}

/** The columns' memory, moved to the reader's thread; a Buffer from Node's shared pool is copied instead. */
function transferList(part: PartResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView) => {
    if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  part.x.forEach(add);
  add(part.y);
  add(part.ids.starts);
  add(part.ids.lens);
  add(part.ids.bytes);
  add(part.missing);
  if (part.hashes) add(part.hashes);
  if (part.lines) {
    // Views of buffers of their own (LineBuffer: never Node's shared pool), filled in part: moved whole.
    out.add(part.lines.bytes.buffer as ArrayBuffer);
    out.add(part.lines.ends.buffer as ArrayBuffer);
  }
  return [...out];
}
