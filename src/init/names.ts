/**
 * The words `init` recognises in column names and label values. A name is split into lower-case
 * words at "_", "-", spaces, dots and camelCase ("Attrition_Flag" → attrition, flag;
 * "CustomerID" → customer, id).
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const has = (words: string[], set: ReadonlySet<string>) => words.some((w) => set.has(w));

/** A target column's name: the client left. */
const TARGET_WORDS = new Set(['churn', 'churned', 'churning', 'exited', 'exit', 'attrition', 'attrited', 'left', 'cancelled', 'canceled', 'cancellation', 'cancel', 'leaver', 'lost']);
export const isTargetName = (name: string) => has(nameWords(name), TARGET_WORDS);

/** An id column's name. */
const ID_WORDS = new Set(['id', 'ids', 'key', 'uuid', 'guid', 'clientnum', 'customerid', 'clientid', 'accountid', 'num', 'nr', 'no', 'code', 'ref', 'corporation']);
export const isIdName = (name: string) => has(nameWords(name), ID_WORDS) || /id$/.test(name.toLowerCase());

/** A postal code's name: digits that are a place, not a quantity. */
const POSTAL_WORDS = new Set(['zip', 'zipcode', 'postal', 'postcode', 'postalcode', 'plz', 'postleitzahl', 'cep', 'pin', 'phone', 'tel', 'telephone', 'mobile', 'iban', 'siren', 'siret']);
export const isCodeName = (name: string) => has(nameWords(name), POSTAL_WORDS);

/** A date's name (for dates written as plain digits, 20240105 or a Unix time). */
const DATE_WORDS = new Set(['date', 'datetime', 'time', 'timestamp', 'dob', 'birthday']);
export const isDateName = (name: string) => has(nameWords(name), DATE_WORDS);

/** Label values meaning "left" and "stayed"; a value matches when one of its words does. */
const LEAVING = new Set(['yes', 'y', 'true', 't', '1', 'churn', 'churned', 'attrited', 'attrition', 'left', 'exited', 'exit', 'cancelled', 'canceled', 'lost', 'leaver', 'gone', 'closed', 'inactive', 'former']);
const STAYING = new Set(['no', 'n', 'false', 'f', '0', 'stayed', 'existing', 'active', 'retained', 'current', 'remained', 'stay', 'kept', 'open', 'none']);

export function meansLeaving(value: string): boolean {
  const w = valueWords(value);
  // "not churned", "non-attrited": a negation in front turns the meaning.
  if (w.some((x) => x === 'not' || x === 'non' || x === 'never')) return false;
  return has(w, LEAVING);
}

export function meansStaying(value: string): boolean {
  const w = valueWords(value);
  if (w.some((x) => x === 'not' || x === 'non' || x === 'never')) return has(w, LEAVING);
  return has(w, STAYING);
}

function valueWords(value: string): string[] {
  const t = value.trim();
  // 1.0 / 0.0 as 1 / 0.
  if (/^[+-]?\d+(\.0*)?$/.test(t)) return [String(Number(t))];
  return nameWords(t);
}
