/**
 * Whole answers already serialised (as UTF-8 bytes: sent as they are, no re-encoding or length
 * count per request), kept with what they were made from (a ranked list: a new list
 * — another model version or population — starts with none, and the old one's go with it). A
 * few per owner, the most recent kept: GET /risk?explain=3 for 10,000 clients is ~10 MB of JSON
 * whose writing (reason texts, JSON.stringify) costs more than sending it.
 */
export class ResponseBodies<Owner extends object> {
  private readonly bodies = new WeakMap<Owner, Map<string, Buffer>>();

  constructor(private readonly perOwner = 4) {}

  get(owner: Owner, key: string): Buffer | undefined {
    return this.bodies.get(owner)?.get(key);
  }

  /** Keep `body` (its UTF-8 bytes) for (owner, key) and return them. */
  set(owner: Owner, key: string, text: string): Buffer {
    const body = Buffer.from(text);
    let m = this.bodies.get(owner);
    if (!m) this.bodies.set(owner, (m = new Map()));
    m.delete(key);
    m.set(key, body);
    while (m.size > this.perOwner) m.delete(m.keys().next().value as string);
    return body;
  }
}
