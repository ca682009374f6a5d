import { getLastUserText } from "../answers.ts";
import type { MockRespond } from "../types.ts";
import { estimateUsage } from "./usage.ts";

/** The candidates of `examples/fine-tune-migration`, as the scripted model tells them apart by model. */
export type TriageModel = "fine-tune" | "mini" | "nano";

/** One eval case of `examples/fine-tune-migration`: a support ticket, its queue, and who routes it wrong. */
export interface TriageCase {
  id: string;
  ticket: string;
  label: string;
  /** What a candidate answers when it gets the case wrong; a candidate not listed answers `label`. */
  wrong: Partial<Record<TriageModel, string>>;
}

/** The fine-tuned model being retired: an OpenAI fine-tune of gpt-4o-mini-2024-07-18. */
export const TRIAGE_FINE_TUNE = "ft:gpt-4o-mini-2024-07-18:acme:triage:9xYz1";

const MODELS: Record<string, TriageModel> = {
  [TRIAGE_FINE_TUNE]: "fine-tune",
  "gpt-5.4-mini": "mini",
  "gpt-5.4-nano": "nano",
};

/**
 * The 50 tickets of `examples/fine-tune-migration/evals/tickets.jsonl` with a fixed table of mistakes. The
 * fine-tune routes 46 right (92%); the few-shot prompt on gpt-5.4-mini 45 (90%), missing two of the fine-tune's
 * four and three others, so the two are within noise of each other; the same prompt on gpt-5.4-nano routes 36
 * (72%), and sometimes answers a label that is not in the list ("security"). The mistakes are on the tickets a
 * human would hesitate over too: a refund asked as a cancellation, a sign-in loop that looks like a bug.
 */
export const TRIAGE_CASES: readonly TriageCase[] = [
  {
    id: "billing-annual-switch",
    ticket: "Can I switch from monthly to annual billing without losing my current files?",
    label: "billing",
    wrong: {},
  },
  {
    id: "billing-seat-count",
    ticket: "Our invoice shows 14 seats but we only have 11 users on the Business plan. Can you correct it?",
    label: "billing",
    wrong: {},
  },
  {
    id: "billing-vat-number",
    ticket: "How do I add our company's VAT number so it shows on future invoices?",
    label: "billing",
    wrong: { "fine-tune": "how-to", mini: "how-to", nano: "how-to" },
  },
  {
    id: "billing-expired-card",
    ticket:
      "My card expired and the payment failed. Where do I put the new card details before my backups stop?",
    label: "billing",
    wrong: {},
  },
  {
    id: "billing-bank-transfer",
    ticket: "We need to pay by bank transfer instead of credit card for our 30-seat Business account.",
    label: "billing",
    wrong: {},
  },
  {
    id: "billing-price-increase",
    ticket: "Why did my price go up from $6 to $8 this month? I didn't change anything.",
    label: "billing",
    wrong: { nano: "refund" },
  },
  {
    id: "billing-receipt-copy",
    ticket: "Please send me a copy of the receipt for the March payment, our accountant needs it.",
    label: "billing",
    wrong: {},
  },
  {
    id: "refund-signed-up-by-mistake",
    ticket: "I signed up by mistake last week, please give me my money back.",
    label: "refund",
    wrong: {},
  },
  {
    id: "refund-after-trial",
    ticket: "You charged me for a year after my trial ended and I never used it. I want a refund.",
    label: "refund",
    wrong: {},
  },
  {
    id: "refund-downgrade-difference",
    ticket: "I downgraded from Family to Personal in the middle of the cycle, can I get the difference back?",
    label: "refund",
    wrong: { mini: "billing", nano: "billing" },
  },
  {
    id: "refund-duplicate-payment",
    ticket: "Refund request: duplicate payment of $120 on 3 May, order 55821.",
    label: "refund",
    wrong: {},
  },
  {
    id: "refund-never-worked",
    ticket: "The app never worked on my Mac and I'd like my $6 back please.",
    label: "refund",
    wrong: { nano: "bug" },
  },
  {
    id: "refund-renewal-reversal",
    ticket: "Can you reverse the annual renewal charge from yesterday? I meant to cancel before it renewed.",
    label: "refund",
    wrong: { "fine-tune": "cancellation", mini: "cancellation", nano: "cancellation" },
  },
  {
    id: "access-wrong-password",
    ticket: "I can't log in, it says my password is wrong but I just reset it.",
    label: "account-access",
    wrong: {},
  },
  {
    id: "access-lost-authenticator",
    ticket: "Lost my phone with the authenticator app, now I can't get past two-factor.",
    label: "account-access",
    wrong: {},
  },
  {
    id: "access-reset-email-missing",
    ticket: "The password reset email never arrives, I checked spam too.",
    label: "account-access",
    wrong: {},
  },
  {
    id: "access-locked-out",
    ticket: "My account got locked after too many attempts. How long until I can try again?",
    label: "account-access",
    wrong: {},
  },
  {
    id: "access-change-login-email",
    ticket: "I need to change the email address I use to sign in, I left my old job.",
    label: "account-access",
    wrong: { nano: "how-to" },
  },
  {
    id: "access-wrong-account",
    ticket: "Someone else's name shows when I log in, did I get into the wrong account?",
    label: "account-access",
    wrong: {},
  },
  {
    id: "access-sign-in-loop",
    ticket: "The sign-in page keeps looping back to itself after I enter my code.",
    label: "account-access",
    wrong: { "fine-tune": "bug", nano: "bug" },
  },
  {
    id: "bug-restore-tab-crash",
    ticket: "The desktop app crashes every time I open the Restore tab on Windows 11.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-missing-drive",
    ticket: "Backups show as complete but the files from my D: drive are missing in the web app.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-stuck-progress",
    ticket: "The progress bar has been stuck at 99% for three days now.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-photo-dates",
    ticket: "Restored photos come back with the wrong dates, all set to today.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-idle-cpu",
    ticket: "Since the last update the app uses 100% CPU even when idle.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-corrupted-zip",
    ticket: "Downloading a folder as a zip gives a corrupted file every time.",
    label: "bug",
    wrong: {},
  },
  {
    id: "bug-android-blank",
    ticket: "The Android app shows a blank screen after the splash logo.",
    label: "bug",
    wrong: {},
  },
  {
    id: "outage-office-down",
    ticket: "Is the service down? Nobody in our office can reach the web app.",
    label: "outage",
    wrong: {},
  },
  {
    id: "outage-503-uploads",
    ticket: "Getting 503 errors on every upload since 9am, our whole team is affected.",
    label: "outage",
    wrong: {},
  },
  {
    id: "outage-status-page-green",
    ticket: "Your status page says all good but none of our 40 machines have backed up today.",
    label: "outage",
    wrong: { "fine-tune": "bug", nano: "bug" },
  },
  {
    id: "outage-two-countries",
    ticket: "The web app is down for me and for my colleagues in two other countries.",
    label: "outage",
    wrong: {},
  },
  {
    id: "outage-login-timeouts",
    ticket: "Your login servers seem to be down, everyone here gets a timeout.",
    label: "outage",
    wrong: { nano: "account-access" },
  },
  {
    id: "feature-linux-client",
    ticket: "Please add a Linux client, I'd pay extra for it.",
    label: "feature-request",
    wrong: {},
  },
  {
    id: "feature-exclude-patterns",
    ticket: "It would be great if I could exclude folders by pattern, like *.tmp.",
    label: "feature-request",
    wrong: {},
  },
  {
    id: "feature-dark-mode",
    ticket: "Any plans for a dark mode in the desktop app?",
    label: "feature-request",
    wrong: {},
  },
  {
    id: "feature-okta-sso",
    ticket: "We'd like single sign-on with Okta for our Business account.",
    label: "feature-request",
    wrong: {},
  },
  {
    id: "feature-more-versions",
    ticket: "Could you let us keep more than 30 versions of each file?",
    label: "feature-request",
    wrong: {},
  },
  {
    id: "feature-weekly-drives",
    ticket: "Please support backing up external drives that are only connected once a week.",
    label: "feature-request",
    wrong: { nano: "how-to" },
  },
  {
    id: "howto-restore-single-file",
    ticket: "How do I restore a single file from last Tuesday?",
    label: "how-to",
    wrong: {},
  },
  {
    id: "howto-daily-schedule",
    ticket: "Where do I change the backup schedule to once a day?",
    label: "how-to",
    wrong: {},
  },
  {
    id: "howto-new-computer",
    ticket: "How can I move my backup to a new computer?",
    label: "how-to",
    wrong: {},
  },
  {
    id: "howto-share-folder",
    ticket: "What's the way to share a folder with my family members?",
    label: "how-to",
    wrong: {},
  },
  {
    id: "howto-private-key",
    ticket: "How do I set a private encryption key?",
    label: "how-to",
    wrong: { nano: "security" },
  },
  {
    id: "howto-metered-connection",
    ticket: "Can I pause backups while I'm on a metered connection?",
    label: "how-to",
    wrong: { mini: "feature-request", nano: "feature-request" },
  },
  {
    id: "howto-add-user",
    ticket: "How do I add a new user to our Business account?",
    label: "how-to",
    wrong: {},
  },
  {
    id: "cancel-end-of-period",
    ticket: "Please cancel my subscription at the end of this billing period.",
    label: "cancellation",
    wrong: {},
  },
  {
    id: "cancel-close-and-delete",
    ticket: "I want to close my account and have all my data deleted.",
    label: "cancellation",
    wrong: {},
  },
  {
    id: "cancel-business-contract",
    ticket: "We're moving to another provider, how do we end our Business contract?",
    label: "cancellation",
    wrong: { nano: "how-to" },
  },
  {
    id: "cancel-auto-renewal",
    ticket: "Stop the auto-renewal, I don't want to be charged again.",
    label: "cancellation",
    wrong: { mini: "billing", nano: "billing" },
  },
  {
    id: "cancel-family-plan",
    ticket: "Cancel the Family plan, my kids don't use it anymore.",
    label: "cancellation",
    wrong: {},
  },
];

/** When a ticket is not one of the cases. */
const UNKNOWN_TICKET_LABEL = "how-to";

const CASE_BY_TICKET = new Map(TRIAGE_CASES.map((c) => [c.ticket, c]));

/**
 * The scripted model behind `examples/fine-tune-migration`: finds the ticket (the last user message) and
 * answers its label, or the wrong label the table gives the asking model (the fine-tune, gpt-5.4-mini or
 * gpt-5.4-nano).
 */
export const fineTuneMigrationModel: MockRespond = (req) => {
  const found = CASE_BY_TICKET.get(getLastUserText(req).trim());
  const who = MODELS[req.model];
  const content = found ? ((who && found.wrong[who]) ?? found.label) : UNKNOWN_TICKET_LABEL;
  return { content, usage: estimateUsage(req, content) };
};
