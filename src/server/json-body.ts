import { isUtf8 } from 'node:buffer';

/**
 * The server's JSON body parser, in place of Fastify's: it answers *what* is wrong with a body in
 * the words a client can act on. Fastify's decoded invalid UTF-8 into U+FFFD (the id `\xff\xfe`
 * was scored as "��") where the same bytes in a CSV body are refused, and answered "not valid
 * JSON" for a `__proto__` key, which is valid JSON refused on purpose.
 */
export class JsonBodyError extends Error {
  readonly statusCode = 400;
  /** MLflow calls such a body MALFORMED_REQUEST (the content is not read at all). */
  readonly code = 'RW_MALFORMED_JSON';
}

// Keys that could change an object's prototype once the body is copied into another object
// (`Object.assign`, a merge): refused anywhere in a body, as Fastify's own parser does, but by name.
// Spelled with JSON escapes they decode to the same key, so any `\u` in the body means a full check.
const SUSPECT = /__proto__|constructor|\\u/;

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new JsonBodyError('the body is empty; expected JSON');
  if (!isUtf8(body)) throw new JsonBodyError('the body is not UTF-8 text; JSON must be sent as UTF-8');
  // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1), as before CSV.
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = SUSPECT.test(text) ? JSON.parse(text, refuseProtoKeys) : JSON.parse(text);
  } catch (err) {
    if (err instanceof JsonBodyError) throw err;
    throw new JsonBodyError(`the body is not valid JSON (${(err as Error).message})`);
  }
  return value;
}

function refuseProtoKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__') throw new JsonBodyError('the key "__proto__" is not allowed in a request body (it could alter object prototypes)');
  if (key === 'constructor' && value !== null && typeof value === 'object') {
    throw new JsonBodyError('the key "constructor" holding an object is not allowed in a request body (it could alter object prototypes)');
  }
  return value;
}
