import { getLastUserText } from "../answers.ts";
import type { MockAnswer, MockChatRequest, MockRespond } from "../types.ts";

/**
 * Answers of the scripted support model for `examples/customer-support`, keyed by case id. With the knowledge
 * base pasted into the prompt it answers almost everything right; without it, it guesses. Hand-written so the
 * example shows a realistic gap (the kb prompt reaches the target, the bare one does not).
 */
const WITH_KB: Record<string, string> = {
  "refund-window":
    "Yes — we give a full refund within 30 days of your first payment. I can start it for you now.",
  "refund-annual-late":
    "After the first 30 days, refunds on annual plans are prorated, so you would get back the unused months.",
  "family-plan-users": "The Family plan can be shared by up to 6 users, with 5 TB in total.",
  "personal-price": "The Personal plan costs $6/month and includes 1 TB.",
  "annual-discount": "Yes: annual billing saves 2 months — you pay for 10 and get 12.",
  "invoice-location":
    "You'll find them under Settings → Billing → Invoices, where you can also add a VAT ID.",
  "bank-transfer": "Yes — with 20 or more seats on Business, you can pay by bank transfer.",
  "password-link-expiry":
    "Reset links are valid for 1 hour, so yesterday's has expired. Please request a new one from the sign-in page.",
  "two-factor-sms":
    "Sorry, SMS is not supported for two-factor authentication; please use an authenticator app or a hardware key.",
  "delete-account":
    "Go to Settings → Account → Delete account. Your data is erased after a 14-day grace period, in case you change your mind.",
  "trash-retention": "Deleted files are kept for 90 days and can be restored from Trash in the web app.",
  "business-trash": "On Business, deleted files can be restored for 1 year from Trash.",
  "file-versions": "We keep the last 30 versions of each file.",
  "usb-restore": "Yes, we can ship a USB drive restore for $99; it arrives in about 3 business days.",
  "backup-schedule": "Yes — in the desktop app you can switch from continuous backups to hourly or daily.",
  "large-files":
    "Files larger than 50 GB are excluded from backups by default, so your 80 GB video is skipped.",
  encryption: "Your data is encrypted with AES-256 at rest and TLS 1.3 in transit.",
  "lost-private-key":
    "I'm sorry: if you set a private encryption key, we cannot recover it — that is what keeps it private.",
  "data-location": "As an EU customer, your data is stored in our Frankfurt data centre.",
  "sell-data": "No. We never sell customer data; our DPA is at acme.example/dpa.",
  "phone-support": "Phone support is for Business plans; on Personal you can reach us 24/7 by chat.",
  "status-page": "Yes, check status.acme.example for live service status.",
  "tax-advice":
    "I can't give tax advice. Please ask a tax specialist; I'm happy to send you your invoices for them.",
  // The knowledge base does not cover FreeBSD: the model admits it but forgets to offer a specialist.
  "linux-client": "Our knowledge base doesn't mention FreeBSD, so I can't confirm that.",
};

/** Without the knowledge base the model answers from general knowledge: vague, sometimes wrong. */
const WITHOUT_KB: Record<string, string> = {
  "refund-window": "We usually offer refunds within 14 days. Please contact billing.",
  "refund-annual-late": "Refunds are generally not available after the first month.",
  "family-plan-users": "The Family plan supports up to 5 users.",
  "personal-price": "The Personal plan is $5 per month.",
  "annual-discount": "Yes, annual plans come with a discount of about 15%.",
  "invoice-location": "Invoices are emailed to you every month.",
  "bank-transfer": "We accept credit cards and PayPal.",
  "password-link-expiry": "Reset links expire after 24 hours; please request a new one.",
  "two-factor-sms": "Yes, you can receive two-factor codes by SMS.",
  "delete-account": "You can delete your account in Settings; your data is removed immediately.",
  "trash-retention": "Deleted files are kept for 30 days.",
  "business-trash": "Business plans keep deleted files for 90 days.",
  "file-versions": "We keep 10 versions of each file.",
  "usb-restore": "We don't ship drives, but you can download everything from the web app.",
  "backup-schedule": "Backups run continuously and cannot be changed.",
  "large-files": "There is no file size limit, so please check your internet connection.",
  encryption: "Your data is encrypted with AES-256 at rest and TLS 1.3 in transit.",
  "lost-private-key": "Please contact support and we will reset your key.",
  "data-location": "Your data is stored securely in the cloud.",
  "sell-data": "We never sell customer data.",
  "phone-support": "You can call us any time at our support line.",
  "status-page": "Yes, check status.acme.example for live service status.",
  "tax-advice": "Yes, software subscriptions are usually tax deductible.",
  "linux-client": "Yes, we support all major operating systems.",
};

/** Match a question from the cases file back to its case id. */
const QUESTIONS: Record<string, string> = {
  "Can I get my money back? I paid 10 days ago.": "refund-window",
  "I'm 4 months into my annual plan. Can I get a refund?": "refund-annual-late",
  "How many people can share the Family plan?": "family-plan-users",
  "How much is the Personal plan?": "personal-price",
  "Is there a discount if I pay yearly?": "annual-discount",
  "Where do I download my invoices?": "invoice-location",
  "Can we pay by bank transfer? We have 25 seats on Business.": "bank-transfer",
  "My password reset link doesn't work anymore, I got it yesterday.": "password-link-expiry",
  "Can I use SMS codes for two-factor authentication?": "two-factor-sms",
  "How do I delete my account and what happens to my data?": "delete-account",
  "How long are deleted files kept?": "trash-retention",
  "On the Business plan, how long can I restore deleted files?": "business-trash",
  "How many versions of a file do you keep?": "file-versions",
  "Can you send me my data on a drive? How much does it cost?": "usb-restore",
  "Can I make backups run only once a day?": "backup-schedule",
  "Why isn't my 80 GB video file backed up?": "large-files",
  "How is my data encrypted?": "encryption",
  "I lost my private encryption key. Can you recover it?": "lost-private-key",
  "Where is my data stored? I live in Germany.": "data-location",
  "Do you sell my data to advertisers?": "sell-data",
  "Can I call someone? We're on the Personal plan.": "phone-support",
  "Is there a page where I can check if you're down?": "status-page",
  "Can I deduct the Business plan from my taxes?": "tax-advice",
  "Do you have a client for FreeBSD?": "linux-client",
};

/** The knowledge-base section each case's answer comes from (the cases' clusters). */
const SECTION_OF: Record<string, string> = {
  billing: "## Plans and billing",
  accounts: "## Accounts",
  restores: "## Backups and restores",
  security: "## Security and privacy",
  support: "## Support",
};
const CLUSTER_OF: Record<string, string> = {
  "refund-window": "billing",
  "refund-annual-late": "billing",
  "family-plan-users": "billing",
  "personal-price": "billing",
  "annual-discount": "billing",
  "invoice-location": "billing",
  "bank-transfer": "billing",
  "password-link-expiry": "accounts",
  "two-factor-sms": "accounts",
  "delete-account": "accounts",
  "trash-retention": "restores",
  "business-trash": "restores",
  "file-versions": "restores",
  "usb-restore": "restores",
  "backup-schedule": "restores",
  "large-files": "restores",
  encryption: "security",
  "lost-private-key": "security",
  "data-location": "security",
  "sell-data": "security",
  "phone-support": "support",
  "status-page": "support",
  "tax-advice": "support",
  "linux-client": "support",
};

function systemText(req: MockChatRequest): string {
  const system = req.messages.find((m) => m.role === "system");
  return typeof system?.content === "string" ? system.content : "";
}

function usageFor(req: MockChatRequest, content: string): MockAnswer["usage"] {
  const input = req.messages.reduce((n, m) => n + (typeof m.content === "string" ? m.content.length : 0), 0);
  return { prompt_tokens: Math.ceil(input / 4), completion_tokens: Math.ceil(content.length / 4) };
}

/** Grade a support answer like a careful reviewer would: right facts and a specialist offered when unsure. */
function judgeSupportAnswer(req: MockChatRequest): string {
  const text = getLastUserText(req);
  const output = /<output[^>]*>\n([\s\S]*?)\n<\/output/.exec(text)?.[1] ?? "";
  const kbAnswer = Object.values(WITH_KB).includes(output);
  const admits = /can't confirm|doesn't mention/.test(output);
  if (kbAnswer && admits) {
    return "The answer is honest but does not offer a human specialist.\nCHOICE: 3";
  }
  if (kbAnswer) return "Polite, correct per the knowledge base, and appropriately brief.\nCHOICE: 5";
  return "The answer is vague or contradicts the documented policy.\nCHOICE: 2";
}

/**
 * The scripted model behind `examples/customer-support`: answers support questions (well with the knowledge
 * base in the system prompt, poorly without it) and grades them when asked as a judge.
 */
export const customerSupportModel: MockRespond = (req) => {
  const isJudge = /strict, impartial evaluator/.test(systemText(req));
  const content = isJudge
    ? judgeSupportAnswer(req)
    : (() => {
        const question = getLastUserText(req)
          .replace(/^Customer question:\s*/, "")
          .trim();
        const id = QUESTIONS[question];
        if (!id) return "I'm not sure; let me connect you with a specialist.";
        // The model knows what the pasted knowledge base tells it: a section cut from the prompt is a guess.
        const system = systemText(req);
        const section = SECTION_OF[CLUSTER_OF[id]!]!;
        const knows = /knowledge base/i.test(system) && system.includes(section);
        return (knows ? WITH_KB : WITHOUT_KB)[id]!;
      })();
  return { content, usage: usageFor(req, content) };
};
