/**
 * Announced OpenAI API shutdowns of chat models, as of 2026-11-25. OpenAI's deprecations page
 * (https://developers.openai.com/api/docs/deprecations) is the authority; its copies and reports were read through
 * the sources named on each entry. At runtime OpenAI's models endpoint (`shutdown_date` on GET /v1/models) is
 * fresher than this table; this table answers offline and for replayed runs.
 *
 * Left out on purpose: audio, realtime, transcription, TTS and image models (no prompt suites run on them), and
 * dates reported by a single blog only (e.g. gpt-5.1 / gpt-5.3-codex / gpt-5.4-nano on 2027-04-01).
 */

/** One announcement: these model ids (aliases and snapshots) stop answering on `shutdownDate`. */
export interface AnnouncedShutdown {
  /** Model ids as sent to the API, lower case. */
  models: readonly string[];
  /** YYYY-MM-DD. */
  shutdownDate: string;
  /** When OpenAI announced it, YYYY-MM-DD. */
  announced: string;
  /** The recommended replacement, where the sources agree on it. */
  replacement?: string;
}

/**
 * The last day OpenAI accepts new self-serve fine-tuning jobs from organizations still using them (no new jobs
 * from 2027-01-06). Announced on 2026-05-07 in "Update to OpenAI's self-serve fine-tuning" on the deprecations
 * page; reported by https://aihola.com/article/openai-ends-fine-tuning-2027 and
 * https://techscurrent.com/2026/07/openai-fine-tuning-cutoff-migration-clock/ (earlier stages: organizations that
 * never fine-tuned lost new jobs on 2026-05-07, those with no fine-tuned inference in 60 days on 2026-07-02).
 * Inference on existing fine-tunes continues until their base model shuts down.
 */
export const OPENAI_FINE_TUNING_JOBS_END_DATE = "2027-01-06";

/** Announced shutdowns, latest announcement first. Fine-tuned models follow their base snapshot's date. */
export const OPENAI_ANNOUNCED_SHUTDOWNS: readonly AnnouncedShutdown[] = [
  // "2026-11-05: GPT-5.5-Cyber" on the deprecations page, read via its translation at
  // https://www.w3cschool.cn/openai_api/openai_api-docs-deprecations.html
  { models: ["gpt-5.5-cyber-preview"], shutdownDate: "2027-02-01", announced: "2026-11-05" },
  // "2026-10-14: GPT-4 series model deprecations": the listed snapshots leave the API on 2027-01-14 and "fine-tuned
  // versions of these models follow the same shutdown schedule as their base models"; replacement gpt-6-luna,
  // which cannot be fine-tuned. Read via https://www.w3cschool.cn/openai_api/openai_api-docs-deprecations.html,
  // https://codersera.com/blog/gpt-4o-gpt-4-1-api-shutdown-migration-2026/ and
  // https://dev.to/max_bob/openai-api-deprecations-2026-2027-every-shutdown-date-and-recommended-replacement-gpt-4o-2ffm
  // The aliases point only to these snapshots (no newer ones exist), so they stop answering the same day.
  {
    models: [
      "gpt-4o",
      "gpt-4o-2024-08-06",
      "gpt-4o-2024-11-20",
      "gpt-4o-mini",
      "gpt-4o-mini-2024-07-18",
      "gpt-4.1",
      "gpt-4.1-2025-04-14",
      "gpt-4.1-mini",
      "gpt-4.1-mini-2025-04-14",
    ],
    shutdownDate: "2027-01-14",
    announced: "2026-10-14",
    replacement: "gpt-6-luna",
  },
  // "2026-06-11: GPT-5 and o3 model deprecations": on the deprecations page (gpt-5, gpt-5-mini, gpt-5-nano rows,
  // https://developers.openai.com/api/docs/deprecations) and, with every id, in
  // https://dev.to/aideprecations/what-to-do-before-openai-gpt-5-and-o3-shut-down-on-december-11-2026-fap
  // (the sources disagree on the replacement's name, so none is given).
  {
    models: [
      "gpt-5",
      "gpt-5-2025-08-07",
      "gpt-5-mini",
      "gpt-5-mini-2025-08-07",
      "gpt-5-nano",
      "gpt-5-nano-2025-08-07",
      "gpt-5-pro",
      "gpt-5-pro-2025-10-06",
      "o3",
      "o3-2025-04-16",
      "o3-pro",
      "o3-pro-2025-06-10",
    ],
    shutdownDate: "2026-12-11",
    announced: "2026-06-11",
  },
  // "2026-05-08: gpt-5.2-chat-latest and gpt-5.3-chat-latest model snapshots": the deprecations page diff at
  // https://spybara.com/openai/api/history/docs/en/2026-05-12-1857..2026-05-14-2100/ and the API reference
  // ("Announced shutdown date: 2026-08-10", https://developers.openai.com/api/reference/resources/%24shared).
  {
    models: ["gpt-5.2-chat-latest", "gpt-5.3-chat-latest"],
    shutdownDate: "2026-08-10",
    announced: "2026-05-08",
  },
  // "2026-04-22: Legacy GPT model snapshots", second batch: the deprecations page diff at
  // https://spybara.com/openai/api/history/docs/en/2026-04-22-0555..2026-04-23-0556/ with the ids listed by
  // https://dev.to/importstatic/every-openai-model-shutdown-date-until-january-2027-and-what-replaces-it-1dfk
  // and https://docs.apiyi.com/live/2026-10/openai-legacy-models-retired.md (which confirms the shutdown happened,
  // fine-tunes included).
  {
    models: [
      "gpt-3.5-turbo",
      "gpt-3.5-turbo-0125",
      "gpt-4",
      "gpt-4-0613",
      "gpt-4-1106-preview",
      "gpt-4-turbo",
      "gpt-4-turbo-2024-04-09",
      "gpt-4o-2024-05-13",
      "gpt-4.1-nano",
      "gpt-4.1-nano-2025-04-14",
      "o1",
      "o1-2024-12-17",
      "o1-pro",
      "o1-pro-2025-03-19",
      "o3-mini",
      "o3-mini-2025-01-31",
      "o4-mini",
      "o4-mini-2025-04-16",
    ],
    shutdownDate: "2026-10-23",
    announced: "2026-04-22",
  },
  // "2026-04-22: Legacy GPT model snapshots", first batch (text models only), same diff as above.
  {
    models: [
      "computer-use-preview",
      "computer-use-preview-2025-03-11",
      "gpt-4o-search-preview-2025-03-11",
      "gpt-4o-mini-search-preview-2025-03-11",
      "gpt-5-chat-latest",
      "gpt-5-codex",
      "gpt-5.1-chat-latest",
      "gpt-5.1-codex",
      "gpt-5.1-codex-max",
      "gpt-5.1-codex-mini",
      "gpt-5.2-codex",
      "o3-deep-research",
      "o3-deep-research-2025-06-26",
      "o4-mini-deep-research",
      "o4-mini-deep-research-2025-06-26",
    ],
    shutdownDate: "2026-07-23",
    announced: "2026-04-22",
  },
];

/** Find the announced shutdown of an OpenAI model id (case ignored); undefined when none is known. */
export function findAnnouncedShutdown(model: string): AnnouncedShutdown | undefined {
  const wanted = model.trim().toLowerCase();
  return OPENAI_ANNOUNCED_SHUTDOWNS.find((entry) => entry.models.includes(wanted));
}
