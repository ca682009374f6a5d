import { escapeMarkdown } from "./escape.ts";

/**
 * A URL safe to put in a markdown link destination, or undefined when it is not an http(s) URL. Characters
 * that could end the destination or the link (`(`, `)`, `<`, `>`, spaces, quotes) are percent-encoded.
 */
export function sanitizeUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  return parsed.href.replace(
    /[()<>"'\s`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** `[text](url)` for a trusted label and a URL, or the escaped label alone when the URL is not http(s). */
export function renderLink(label: string, url: string | undefined): string {
  const safe = sanitizeUrl(url);
  return safe ? `[${escapeMarkdown(label)}](${safe})` : escapeMarkdown(label);
}
