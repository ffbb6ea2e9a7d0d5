/**
 * Whole answers already serialised, kept with what they were made from (a ranked list: a new list
 * — another model version or population — starts with none, and the old one's go with it). A
 * few per owner, the most recent kept: GET /risk?explain=3 for 10,000 clients is ~10 MB of JSON
 * whose writing (reason texts, JSON.stringify) costs more than sending it.
 */
export class ResponseBodies<Owner extends object> {
  private readonly bodies = new WeakMap<Owner, Map<string, string>>();

  constructor(private readonly perOwner = 4) {}

  get(owner: Owner, key: string): string | undefined {
    return this.bodies.get(owner)?.get(key);
  }

  /** Keep `body` for (owner, key) and return it. */
  set(owner: Owner, key: string, body: string): string {
    let m = this.bodies.get(owner);
    if (!m) this.bodies.set(owner, (m = new Map()));
    m.delete(key);
    m.set(key, body);
    while (m.size > this.perOwner) m.delete(m.keys().next().value as string);
    return body;
  }
}
