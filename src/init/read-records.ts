import { basename } from 'node:path';
import { CsvFormatError, CsvParser, type CsvRecord } from '../data/csv/parser.js';
import { openRegular } from '../data/open-regular.js';
import { DataError } from '../util/errors.js';

/**
 * Streams a data file's records, whatever its size, in the encoding asked for: "utf-8" (a BOM
 * is dropped), or "windows-1252" (Excel's "CSV" on Windows in western Europe), whose bytes are
 * turned into UTF-8 before the parser sees them. "auto" reads UTF-8 and, when the file turns out
 * not to be, reads it again from the start as Windows-1252 and says so (file and first line).
 *
 * `init` only; ingest has its own reader with the config's input_encoding.
 * TODO(input-encodings): use ingest's decoding once it is on main, so the two cannot disagree.
 */
export type InitEncoding = 'auto' | 'utf-8' | 'windows-1252';

export interface ReadOutcome {
  /** The encoding the file was read in. */
  encoding: 'utf-8' | 'windows-1252';
  /** Set when auto fell back: the first line that was not UTF-8. */
  notUtf8Line?: number;
}

const CHUNK = 1 << 20;

/**
 * Call `onRecord` for every record (the header first); `afterChunk` after each chunk's records
 * (a writer's moment to write what they made). `onRestart` is called before a second pass (auto
 * found a non-UTF-8 line): the caller drops what it gathered.
 */
export async function readRecords(path: string, encoding: InitEncoding, onRecord: (rec: CsvRecord) => void, opts: { onRestart?: () => void; afterChunk?: () => Promise<void> } = {}): Promise<ReadOutcome> {
  const after = opts.afterChunk ?? (async () => {});
  if (encoding === 'windows-1252') {
    await readOnce(path, 'windows-1252', onRecord, after);
    return { encoding };
  }
  try {
    await readOnce(path, 'utf-8', onRecord, after);
    return { encoding: 'utf-8' };
  } catch (err) {
    if (encoding === 'auto' && err instanceof NotUtf8) {
      opts.onRestart?.();
      await readOnce(path, 'windows-1252', onRecord, after);
      return { encoding: 'windows-1252', notUtf8Line: err.line };
    }
    if (err instanceof NotUtf8) throw new DataError(`${basename(path)} line ${err.line}: not UTF-8 text (save it as UTF-8, or read it as Windows-1252)`);
    throw err;
  }
}

class NotUtf8 extends Error {
  constructor(readonly line: number) {
    super(`not UTF-8 at line ${line}`);
  }
}

async function readOnce(path: string, encoding: 'utf-8' | 'windows-1252', onRecord: (rec: CsvRecord) => void, afterChunk: () => Promise<void>): Promise<void> {
  const name = basename(path);
  const { fh } = await openRegular(path);
  const parser = new CsvParser(onRecord);
  // Windows-1252 is one byte per character: each chunk decodes on its own.
  const decoder = encoding === 'windows-1252' ? new TextDecoder('windows-1252') : null;
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const bytes = buf.subarray(0, bytesRead);
      parser.push(decoder ? Buffer.from(decoder.decode(bytes, { stream: true }), 'utf8') : bytes);
      await afterChunk();
    }
    parser.end();
    await afterChunk();
  } catch (err) {
    if (err instanceof CsvFormatError) {
      if (/not UTF-8/.test(err.message)) throw new NotUtf8(err.line);
      throw new DataError(`${name} line ${err.line}: ${err.message}`);
    }
    throw err;
  } finally {
    await fh.close();
  }
}
