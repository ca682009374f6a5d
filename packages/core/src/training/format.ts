/**
 * `n.toLocaleString("en-US")` for whole numbers ("1,234,567"), without it: the first call loads ICU's number
 * formatting, about 10 MB of resident memory and tens of milliseconds, for a few numbers in messages.
 */
export function formatInt(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) {
    const part = digits.slice(Math.max(0, end - 3), end);
    out = out ? `${part},${out}` : part;
  }
  return n < 0 ? `-${out}` : out;
}
