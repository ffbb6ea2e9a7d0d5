import { isAscii, isUtf8 } from 'node:buffer';
import { byteOrderMark, decoderFor, ENCODING_NAMES, type Decoder, type InputEncoding, type ReadEncoding } from './decode.js';

/**
 * The CSV hot path: a push parser over raw bytes (RFC 4180). It never turns a whole file into a
 * string: records are handed out as byte ranges over the current chunk, and only the cells a caller
 * asks for become strings. Numbers are parsed straight from the bytes (see cells.ts).
 *
 * Accepted: UTF-8 with or without BOM, LF or CRLF, quoted fields with commas, doubled quotes and
 * line breaks. Blank lines are skipped (as pandas and csv-parse's skip_empty_lines do). Other
 * encodings (options.encoding, decode.ts) are turned into UTF-8 as the chunks arrive, before
 * anything else looks at them: the UTF-8 path itself is unchanged.
 */

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** A problem that makes the whole file unusable; `line` is 1-based. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/** Field flags. */
export const QUOTED = 1;
export const ESCAPED_QUOTES = 2;

/**
 * One record, valid only during the callback (the parser reuses it). Field i spans bytes
 * [starts[i], ends[i]) of `buf`, quotes already stripped.
 */
export class CsvRecord {
  buf: Buffer = Buffer.alloc(0);
  line = 0;
  count = 0;
  /** The record broke the quoting rules (text after a closing quote); cells are unreliable. */
  malformed = false;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);

  text(i: number): string {
    const s = this.buf.utf8Slice(this.starts[i], this.ends[i]);
    return this.flags[i] & ESCAPED_QUOTES ? s.replaceAll('""', '"') : s;
  }

  isEmpty(i: number): boolean {
    return this.ends[i] === this.starts[i];
  }

  /** All fields as strings (header rows, error messages, tests). */
  texts(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.text(i);
    return out;
  }

  grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    const e = new Int32Array(n);
    e.set(this.ends);
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.starts = s;
    this.ends = e;
    this.flags = f;
  }
}

export interface CsvParserOptions {
  /** A record longer than this is an error rather than unbounded memory. Default 64 MiB. */
  maxRecordBytes?: number;
  /**
   * The input starts at a record boundary inside a file (the second part of a file parsed in two
   * parts): no BOM or compression check, which only the file's first bytes get. Lines count from 1.
   */
  midFile?: boolean;
  /**
   * The input's encoding (config input_encoding); default "utf-8": anything else is an error, as
   * for request bodies. "auto": UTF-8, and from the first line that is not valid UTF-8 on,
   * Windows-1252 (onFallback is told). A byte-order mark decides: UTF-8's is dropped (the file is
   * then read as "auto" would), UTF-16's decodes the file as UTF-16 (refused under "utf-8").
   */
  encoding?: InputEncoding;
  /** "auto" fell back to Windows-1252 at `line` (of this input); `utf8Before`: lines before it held non-ASCII UTF-8. */
  onFallback?: (e: { line: number; utf8Before: boolean }) => void;
}

const COMPRESSED: Array<[string, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

const HEAD_BYTES = Math.max(3, ...COMPRESSED.map(([, m]) => m.length));

function startsWith(buf: Buffer, magic: number[]): boolean {
  if (buf.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (buf[i] !== magic[i]) return false;
  return true;
}

export class CsvParser {
  /**
   * One reused working buffer: the unconsumed tail of the previous chunk (a record that continues)
   * at its start, then the new chunk copied after it. Parsing and UTF-8 checks run on it in place.
   * Joining chunks with Buffer.concat instead allocated two fresh buffers per chunk; on this kind of
   * machine touching fresh memory (page faults) cost more than the parsing. Copying a chunk into
   * memory that is already mapped is a plain memcpy.
   */
  private work: Buffer = Buffer.alloc(0);
  /** Bytes of `work` in use: [0, used) is the unconsumed record(s) carried over. */
  private used = 0;
  /** Bytes of `work` before this offset were UTF-8 checked (the check stops after the last LF seen). */
  private checked = 0;
  private line = 1;
  private started = false;
  /** First bytes held back until there are enough to recognise a BOM or compression magic. */
  private head: Buffer | null = null;
  private readonly rec = new CsvRecord();
  private readonly maxRecordBytes: number;
  /** "auto" until the first line that is not UTF-8; "utf-8": strict; else the decoder decides. */
  private mode: InputEncoding;
  /** Set once the input is read in an encoding other than UTF-8: every chunk goes through it. */
  private decoder: Decoder | null = null;
  private readonly onFallback?: CsvParserOptions['onFallback'];
  /** Some UTF-8 check so far saw a byte ≥ 0x80 (valid UTF-8 beyond ASCII). Tracked in "auto" only. */
  sawNonAscii = false;
  /** The line "auto" fell back to Windows-1252 at, or 0. */
  fallbackLine = 0;
  private readonly notUtf8: string;
  /**
   * Tried first at each record start (see fast-row.ts): takes as many records as it can (each
   * one line, handed to its own consumer instead of onRecord) and returns where the first one it
   * left to the general rules below starts.
   */
  fast: { take(data: Buffer, p: number, len: number): number; readonly taken: number } | null = null;

  constructor(
    private readonly onRecord: (rec: CsvRecord) => void,
    opts: CsvParserOptions = {},
  ) {
    this.maxRecordBytes = opts.maxRecordBytes ?? 64 * 1024 * 1024;
    this.started = opts.midFile === true;
    this.mode = opts.encoding ?? 'utf-8';
    // Where the encoding is the config's, say which key would read the file.
    this.notUtf8 = opts.encoding === undefined ? 'file is not UTF-8 text (save it as UTF-8)' : 'file is not UTF-8 text (input_encoding is "utf-8": save it as UTF-8, or set input_encoding to "auto" or the encoding it is in)';
    this.onFallback = opts.onFallback;
    if (this.mode === 'windows-1252' || this.mode === 'latin1') this.decoder = decoderFor(this.mode);
  }

  /** What the input is being read as (after a fallback or a byte-order mark: that encoding). */
  get encoding(): ReadEncoding {
    return this.decoder?.encoding ?? 'utf-8';
  }

  /** Bytes pushed but not yet handed out as records (0: the input so far ends between records). */
  get pendingBytes(): number {
    return this.used + (this.head?.length ?? 0);
  }

  /** The line the next record starts on (1-based): lines consumed so far + 1. */
  get nextLine(): number {
    return this.line;
  }

  /** Feed the next chunk. The parser copies what it needs: the caller may reuse `chunk` at once. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let data = chunk;
    if (!this.started) {
      // The first bytes (BOM, compression magic) may arrive split over several chunks.
      data = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      if (data.length < HEAD_BYTES) {
        this.head = Buffer.from(data);
        return;
      }
      this.head = null;
      data = this.begin(data);
    }
    this.feed(data);
  }

  /** Check the start of the file for compression magic and a byte-order mark (dropped; it decides the encoding). */
  private begin(data: Buffer): Buffer {
    this.started = true;
    for (const [name, magic] of COMPRESSED) {
      if (startsWith(data, magic)) throw new CsvFormatError(`file is ${name}-compressed, not CSV text; decompress it first`, 1);
    }
    const bom = byteOrderMark(data);
    if (!bom) return data;
    if (bom.encoding === 'utf-8') {
      // Declared UTF-8: read as such, whatever input_encoding says; should it lie, "auto"'s fallback still applies.
      if (this.decoder) {
        this.decoder = null;
        this.mode = 'auto';
      }
    } else {
      if (this.mode === 'utf-8') throw new CsvFormatError(`file is ${ENCODING_NAMES[bom.encoding]} (it begins with that byte-order mark), not UTF-8; save it as UTF-8, or set input_encoding to "auto"`, 1);
      this.decoder = decoderFor(bom.encoding);
    }
    return data.subarray(bom.length);
  }

  /** Append `data` after the carried-over bytes, growing the working buffer only when it is too small. */
  private append(data: Buffer): void {
    const need = this.used + data.length;
    if (need > this.work.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.work.length * 2, 64 * 1024));
      this.work.copy(grown, 0, 0, this.used);
      this.work = grown;
    }
    data.copy(this.work, this.used);
    this.used = need;
  }

  private feed(data: Buffer): void {
    const at = this.used;
    if (this.decoder) {
      // Decoded text is valid UTF-8 by construction; only NUL bytes (binary data) are looked for.
      data = this.decoder.decode(data);
      this.append(data);
      this.checkNul(at);
      this.checked = this.used;
    } else {
      this.append(data);
      // Check up to the last LF (LF never occurs inside a UTF-8 sequence); the rest waits for more.
      // Searched in the new bytes only: a long record arriving in many small chunks stays linear.
      const lastLf = data.lastIndexOf(LF);
      if (lastLf >= 0) {
        const to = at + lastLf + 1;
        // An "auto" fallback decodes the bytes from the failing line on, in place: all is checked then.
        this.checked = this.checkText(this.work, this.checked, to) ? to : this.used;
      }
    }
    const work = this.work;
    const len = this.used;
    const consumed = this.parse(work, len, false);
    const rest = len - consumed;
    if (rest > this.maxRecordBytes) {
      throw new CsvFormatError(`record longer than ${this.maxRecordBytes} bytes`, this.line);
    }
    // Move the unfinished record to the front (never more than one record: a short copy).
    if (rest > 0 && consumed > 0) work.copy(work, 0, consumed, len);
    this.used = rest;
    this.checked -= consumed;
  }

  /** No more input: parse what is left (a last line without a line break). */
  end(): void {
    if (this.head) {
      const data = this.begin(this.head);
      this.head = null;
      if (data.length) this.feed(data);
    }
    if (this.decoder) {
      const rest = this.decoder.end();
      if (rest.length) {
        const at = this.used;
        this.append(rest);
        this.checkNul(at);
      }
    } else if (this.used > this.checked) this.checkText(this.work, this.checked, this.used);
    const len = this.used;
    this.checked = len;
    if (len > 0) {
      this.used = 0;
      this.checked = 0;
      this.parse(this.work, len, true);
    }
  }

  /**
   * Binary bytes or invalid UTF-8 make the file unusable; report the line where they start.
   * `from` is a line start inside the unconsumed bytes, whose first line is `this.line`.
   * In "auto", the first line that is not UTF-8 switches the input to Windows-1252 instead: the
   * bytes from that line on are decoded in place, and false says so (nothing more to check).
   */
  private checkText(buf: Buffer, from: number, to: number): boolean {
    if (to <= from) return true;
    const region = buf.subarray(from, to);
    const nul = region.indexOf(0);
    const bad = nul >= 0 || !isUtf8(region);
    if (!bad) {
      if (this.mode === 'auto' && !this.sawNonAscii && !isAscii(region)) this.sawNonAscii = true;
      return true;
    }
    // Rare path: find the first offending line for the message.
    let line = this.line + countLfIn(buf, 0, from);
    let start = 0;
    while (start < region.length) {
      let end = region.indexOf(LF, start);
      if (end < 0) end = region.length;
      const slice = region.subarray(start, end);
      if (slice.indexOf(0) >= 0) throw new CsvFormatError('file holds binary data (NUL bytes), not CSV text', line);
      if (!isUtf8(slice)) {
        if (this.mode !== 'auto') throw new CsvFormatError(this.notUtf8, line);
        this.fallBack(from + start, line);
        return false;
      }
      if (this.mode === 'auto' && !this.sawNonAscii && !isAscii(slice)) this.sawNonAscii = true;
      start = end + 1;
      line++;
    }
    throw new CsvFormatError(this.notUtf8, line);
  }

  /** "auto" found `line` (starting at work offset `at`) not UTF-8: from there on, Windows-1252. */
  private fallBack(at: number, line: number): void {
    const raw = Buffer.from(this.work.subarray(at, this.used));
    this.decoder = decoderFor('windows-1252');
    this.fallbackLine = line;
    this.used = at;
    this.append(this.decoder!.decode(raw));
    this.checkNul(at);
    this.onFallback?.({ line, utf8Before: this.sawNonAscii });
  }

  /** NUL bytes in work[from, used) (decoded text): binary data, reported at their line. */
  private checkNul(from: number): void {
    const nul = this.work.subarray(from, this.used).indexOf(0);
    if (nul < 0) return;
    throw new CsvFormatError('file holds binary data (NUL bytes), not CSV text', this.line + countLfIn(this.work, 0, from + nul));
  }

  /**
   * Parse complete records from `data`; return how many bytes were consumed. Without `final`, a
   * record that may continue in the next chunk is left unconsumed.
   */
  private parse(data: Buffer, len: number, final: boolean): number {
    const rec = this.rec;
    rec.buf = data;
    let p = 0;
    outer: while (p < len) {
      // Read each time: the header record (just below) is what switches it on.
      const fast = this.fast;
      if (fast !== null) {
        p = fast.take(data, p, len);
        this.line += fast.taken;
        if (p >= len) break;
      }
      const recordStart = p;
      const startLine = this.line;
      let lines = 0;
      let n = 0;
      rec.malformed = false;
      for (;;) {
        if (n === rec.starts.length) rec.grow();
        if (p < len && data[p] === QUOTE) {
          // Quoted field: runs to a quote not followed by another quote.
          const fieldLine = startLine + lines;
          let q = p + 1;
          let flags = QUOTED;
          for (;;) {
            // `data` is the working buffer: bytes from `len` on are stale, never part of this input.
            let c = q < len ? data.indexOf(QUOTE, q) : -1;
            if (c >= len) c = -1;
            if (c < 0) {
              if (!final) return this.keep(recordStart, startLine);
              throw new CsvFormatError('unterminated quoted field (a " opened here is never closed)', fieldLine);
            }
            lines += countLfIn(data, q, c);
            if (c + 1 < len && data[c + 1] === QUOTE) {
              flags |= ESCAPED_QUOTES;
              q = c + 2;
              continue;
            }
            if (c + 1 >= len && !final) return this.keep(recordStart, startLine);
            rec.starts[n] = p + 1;
            rec.ends[n] = c;
            rec.flags[n] = flags;
            p = c + 1;
            break;
          }
          // After the closing quote: a delimiter, a line break, or the end.
          if (p < len && data[p] !== COMMA && data[p] !== LF) {
            if (data[p] === CR && p + 1 < len && data[p + 1] === LF) {
              p++;
            } else if (data[p] === CR && p + 1 >= len && !final) {
              return this.keep(recordStart, startLine);
            } else {
              // Text after a closing quote breaks RFC 4180: keep going to the delimiter so the
              // rest of the file stays in step, and let the caller reject this record.
              rec.malformed = true;
              while (p < len && data[p] !== COMMA && data[p] !== LF) p++;
              if (p >= len && !final) return this.keep(recordStart, startLine);
            }
          }
        } else {
          const s = p;
          while (p < len) {
            const c = data[p];
            if (c === COMMA || c === LF) break;
            p++;
          }
          if (p >= len && !final) return this.keep(recordStart, startLine);
          let e = p;
          if (p < len && data[p] === LF && e > s && data[e - 1] === CR) e--;
          else if (p >= len && e > s && data[e - 1] === CR) e--;
          rec.starts[n] = s;
          rec.ends[n] = e;
          rec.flags[n] = 0;
        }
        n++;
        if (p < len && data[p] === COMMA) {
          p++;
          if (p >= len) {
            if (!final) return this.keep(recordStart, startLine);
            // "a,b," at end of input: one more empty field.
            if (n === rec.starts.length) rec.grow();
            rec.starts[n] = p;
            rec.ends[n] = p;
            rec.flags[n] = 0;
            n++;
            break;
          }
          continue;
        }
        // Line break or end of input: the record is complete.
        if (p < len) p++; // the LF
        lines++;
        break;
      }
      this.line = startLine + lines;
      if (n === 1 && rec.flags[0] === 0 && rec.ends[0] === rec.starts[0]) continue outer; // blank line
      rec.line = startLine;
      rec.count = n;
      this.onRecord(rec);
    }
    return p;
  }

  private keep(recordStart: number, startLine: number): number {
    this.line = startLine;
    return recordStart;
  }
}


function countLfIn(buf: Buffer, from: number, to: number): number {
  // Look only at [from, to): an unbounded indexOf scans on to the next line break, which made a
  // long line with many doubled quotes quadratic. Short spans (the usual quoted field) by hand.
  let n = 0;
  if (to - from <= 64) {
    for (let k = from; k < to; k++) if (buf[k] === LF) n++;
    return n;
  }
  const view = buf.subarray(from, to);
  let i = view.indexOf(LF);
  while (i >= 0) {
    n++;
    i = view.indexOf(LF, i + 1);
  }
  return n;
}

/** Parse a whole in-memory string or buffer (tests, request bodies). */
export function parseCsv(input: string | Buffer, opts: CsvParserOptions = {}): Array<{ line: number; fields: string[]; malformed: boolean }> {
  const out: Array<{ line: number; fields: string[]; malformed: boolean }> = [];
  const p = new CsvParser((r) => out.push({ line: r.line, fields: r.texts(), malformed: r.malformed }), opts);
  p.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  p.end();
  return out;
}
