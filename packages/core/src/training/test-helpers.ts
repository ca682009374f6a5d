import type { TokenCounter } from "./tokens.ts";

/** A message in test data. */
export interface TestMessage {
  role: string;
  content: unknown;
  [key: string]: unknown;
}

/** The system prompt every generated test example uses. */
export const TEST_SYSTEM =
  "You are a support assistant for Acme's billing product. Answer briefly and cite the policy.";

const TOPICS = [
  "invoices",
  "refunds",
  "passwords",
  "shipping",
  "warranty",
  "discounts",
  "subscriptions",
  "receipts",
  "taxes",
  "coupons",
  "returns",
  "deliveries",
  "upgrades",
  "downgrades",
  "cancellations",
  "renewals",
  "payments",
  "chargebacks",
  "credits",
  "bundles",
  "licenses",
  "seats",
  "trials",
  "quotes",
  "contracts",
  "exports",
  "imports",
  "reports",
  "dashboards",
  "alerts",
  "webhooks",
  "integrations",
  "accounts",
  "profiles",
  "teams",
  "roles",
  "permissions",
  "audits",
  "backups",
  "archives",
  "languages",
  "currencies",
  "regions",
  "holidays",
  "schedules",
  "tickets",
  "surveys",
  "badges",
  "vouchers",
  "gifts",
  "loyalty",
  "referrals",
  "wishlists",
  "carts",
  "orders",
  "addresses",
  "labels",
  "parcels",
  "lockers",
  "pickups",
];

const VERBS = ["change", "find", "cancel", "explain", "fix", "check", "update", "export", "share", "close"];

/** A distinct, valid chat example (no two are near-duplicates), as an object. */
export function makeExample(
  index: number,
  options: { system?: string | null; answer?: string } = {},
): {
  messages: TestMessage[];
} {
  const topic = TOPICS[index % TOPICS.length]!;
  const verb = VERBS[Math.floor(index / TOPICS.length) % VERBS.length]!;
  const messages: TestMessage[] = [];
  const system = options.system === undefined ? TEST_SYSTEM : options.system;
  if (system !== null) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: `How do I ${verb} my ${topic}?` });
  messages.push({
    role: "assistant",
    content: options.answer ?? `Open Settings, then ${topic}, and ${verb} it there.`,
  });
  return { messages };
}

/** `makeExample` as a JSONL line. */
export function makeLine(index: number, options: { system?: string | null; answer?: string } = {}): string {
  return JSON.stringify(makeExample(index, options));
}

/** `count` valid lines starting at example `from`. */
export function makeLines(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => makeLine(from + i));
}

/** A source that yields the given chunks (strings or bytes), as a file stream would. */
export async function* streamOf(...chunks: Array<string | Uint8Array>): AsyncIterable<string | Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** A source yielding JSONL lines joined by `\n` (with a final line break). */
export function sourceOf(lines: readonly string[]): AsyncIterable<string | Uint8Array> {
  return streamOf(`${lines.join("\n")}\n`);
}

/** A tokenizer that counts whitespace-separated words: predictable token numbers in tests. */
export const WORD_TOKENIZER: TokenCounter = {
  encoding: "test-words",
  countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
};
