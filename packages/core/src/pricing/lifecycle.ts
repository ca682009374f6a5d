import type { ModelLifecycle } from "../types.ts";
import { parseFineTunedModelId } from "./fine-tuned.ts";
import { findModelPatternMatch } from "./model-pattern.ts";
import { findAnnouncedShutdown, OPENAI_FINE_TUNING_JOBS_END_DATE } from "./openai-shutdowns.ts";
import type { LifecycleOverrides } from "./price-config.ts";
import { lookupTableEntry, PRICE_TABLE_SOURCE } from "./price-table.ts";
import { inferProviderFromBaseURL, SELF_HOSTED_PROVIDER } from "./provider.ts";

const MS_PER_DAY = 86_400_000;

/** Options of `lookupLifecycle`. */
export interface LookupLifecycleOptions {
  /** The endpoint's base URL: OpenAI's announced dates apply to OpenAI (and to proxies of it), not to Azure. */
  baseURL?: string;
  /** The price table's provider id, overriding the one inferred from `baseURL`. */
  provider?: string;
  /** Config lifecycle facts by model name or glob; they win over every other source. */
  overrides?: LifecycleOverrides;
}

/** One source's facts, before merging. */
interface LifecycleFacts {
  source: string;
  shutdownDate?: string;
  deprecated?: boolean;
  note?: string;
}

/**
 * Where OpenAI's announced dates apply: OpenAI itself, an endpoint the price table does not know (a gateway or
 * proxy) and a self-hosted one (a local proxy such as LiteLLM); OpenAI's model ids cannot be served by anyone
 * else. Azure and other clouds retire the same models on their own schedules.
 */
function appliesOpenAISchedule(provider: string | undefined): boolean {
  return provider === undefined || provider === "openai" || provider === SELF_HOSTED_PROVIDER;
}

function findBuiltInFacts(model: string): LifecycleFacts | undefined {
  const fineTuned = parseFineTunedModelId(model);
  if (fineTuned) {
    const base = findAnnouncedShutdown(fineTuned.base);
    const jobs = `OpenAI accepts no new fine-tuning jobs from ${OPENAI_FINE_TUNING_JOBS_END_DATE}.`;
    if (!base) return { source: "built-in", note: `Fine-tune of ${fineTuned.base}. ${jobs}` };
    return {
      source: "built-in",
      shutdownDate: base.shutdownDate,
      deprecated: true,
      note: `Fine-tune of ${fineTuned.base}, which OpenAI shuts down on ${base.shutdownDate} (announced ${base.announced}); fine-tunes follow their base model. ${jobs}`,
    };
  }
  const entry = findAnnouncedShutdown(model);
  if (!entry) return undefined;
  const replacement = entry.replacement ? `; recommended replacement: ${entry.replacement}` : "";
  return {
    source: "built-in",
    shutdownDate: entry.shutdownDate,
    deprecated: true,
    note: `OpenAI shuts ${model} down on ${entry.shutdownDate} (announced ${entry.announced})${replacement}.`,
  };
}

function findTableFacts(model: string, provider: string | undefined): LifecycleFacts | undefined {
  const fineTuned = parseFineTunedModelId(model);
  const tableProvider = provider ?? (fineTuned ? "openai" : undefined);
  const entry =
    lookupTableEntry(model, tableProvider, undefined) ??
    (fineTuned ? lookupTableEntry(fineTuned.base, tableProvider, undefined) : undefined);
  if (!entry?.model.deprecated) return undefined;
  return {
    source: PRICE_TABLE_SOURCE,
    deprecated: true,
    note: `The price table marks ${entry.provider}/${entry.modelId} as deprecated.`,
  };
}

function findConfigFacts(
  model: string,
  overrides: LifecycleOverrides | undefined,
): LifecycleFacts | undefined {
  const match = findModelPatternMatch(model, overrides);
  if (!match) return undefined;
  const facts: LifecycleFacts = { source: "config" };
  if (match.value.shutdownDate !== undefined) {
    facts.shutdownDate = match.value.shutdownDate;
    facts.deprecated = true;
  }
  if (match.value.note !== undefined) facts.note = match.value.note;
  return facts.shutdownDate === undefined && facts.note === undefined ? undefined : facts;
}

/** Known lifecycle facts for a model: a built-in table of announced shutdowns (OpenAI: fine-tuned gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini models shut down on 2027-01-14 and new fine-tuning jobs stop on 2027-01-06 — check with search what else is announced and cite sources in comments), plus the price library's deprecation info when it has any, plus a config override; `shutdownDate` as YYYY-MM-DD.
 *
 * The built-in table (`OPENAI_ANNOUNCED_SHUTDOWNS`) lists OpenAI's announced shutdowns of chat models; a
 * fine-tuned id (`ft:<base>:…`) takes its base snapshot's date. Config facts win over built-in ones, which win
 * over the price table's `deprecated` flag; `source` names where the shutdown date (or else the note) came from.
 * A model with a shutdown date is `deprecated`. Returns undefined when nothing is known. */
export function lookupLifecycle(
  model: string,
  options: LookupLifecycleOptions = {},
): ModelLifecycle | undefined {
  const provider =
    options.provider ??
    (options.baseURL === undefined ? undefined : inferProviderFromBaseURL(options.baseURL));
  const tableProvider = provider === SELF_HOSTED_PROVIDER ? undefined : provider;
  const unknownEndpoint = provider === undefined && options.baseURL !== undefined;
  // Highest priority first.
  const layers = [
    findConfigFacts(model, options.overrides),
    appliesOpenAISchedule(provider) ? findBuiltInFacts(model) : undefined,
    provider === SELF_HOSTED_PROVIDER || unknownEndpoint ? undefined : findTableFacts(model, tableProvider),
  ].filter((facts): facts is LifecycleFacts => facts !== undefined);
  const first = layers[0];
  if (!first) return undefined;

  const dated = layers.find((facts) => facts.shutdownDate !== undefined);
  const lifecycle: ModelLifecycle = { model, source: (dated ?? first).source };
  if (dated?.shutdownDate !== undefined) lifecycle.shutdownDate = dated.shutdownDate;
  if (dated || layers.some((facts) => facts.deprecated)) lifecycle.deprecated = true;
  const note = layers.find((facts) => facts.note !== undefined)?.note;
  if (note !== undefined) lifecycle.note = note;
  return lifecycle;
}

/** Parse a YYYY-MM-DD date to its UTC midnight in milliseconds; undefined when it is not a real calendar date. */
function parseIsoDateUtc(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

/**
 * Whole days from `today` until the shutdown date (negative when past).
 *
 * Both are taken as UTC calendar days (`today`'s UTC date, whatever its time of day), so the count is the same on
 * every runner and never off by one around daylight-saving changes: 0 on the shutdown day itself. Throws a
 * RangeError when `shutdownDate` is not a YYYY-MM-DD calendar date or `today` is an invalid Date.
 */
export function computeDaysLeft(shutdownDate: string, today: Date): number {
  const shutdownMs = parseIsoDateUtc(shutdownDate);
  if (shutdownMs === undefined) {
    throw new RangeError(
      `shutdown date must be a calendar date such as 2027-01-14, got ${JSON.stringify(shutdownDate)}`,
    );
  }
  if (Number.isNaN(today.getTime())) throw new RangeError("today must be a valid Date");
  const todayMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((shutdownMs - todayMs) / MS_PER_DAY);
}
