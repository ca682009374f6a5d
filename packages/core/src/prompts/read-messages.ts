import { formatDidYouMean } from "../text/suggest.ts";
import type { ChatRole } from "../types.ts";
import type { PathSegment } from "../yaml/source.ts";
import { describeValue, type IssueCollector, isRecord } from "./issue-collector.ts";
import type { PromptMessageTemplate } from "./types.ts";

/** Roles a prompt message may have. */
export const CHAT_ROLES: readonly ChatRole[] = ["system", "developer", "user", "assistant"];

const MESSAGE_KEYS = ["role", "content"];

/**
 * Check a list of `{ role, content }` messages at `path`, reporting every bad entry. With `ignoreRoleCase`,
 * `User` is read as `user` (GitHub Models accepted any case).
 */
export function readMessages(
  value: unknown,
  path: readonly PathSegment[],
  issues: IssueCollector,
  options: { ignoreRoleCase?: boolean } = {},
): PromptMessageTemplate[] {
  if (!Array.isArray(value)) {
    issues.add(path, `must be a list of messages ({ role, content }), got ${describeValue(value)}`);
    return [];
  }
  if (value.length === 0) {
    issues.add(path, "has no messages: add at least one { role: user, content: ... }");
    return [];
  }
  const messages: PromptMessageTemplate[] = [];
  for (const [index, item] of value.entries()) {
    const at = [...path, index];
    if (!isRecord(item)) {
      issues.add(at, `must be a message { role, content }, got ${describeValue(item)}`);
      continue;
    }
    let ok = true;
    for (const key of Object.keys(item)) {
      if (!MESSAGE_KEYS.includes(key)) {
        issues.add(
          [...at, key],
          `unknown key "${key}"${formatDidYouMean(key, MESSAGE_KEYS)}; a message has only role and content`,
          { key: true },
        );
        ok = false;
      }
    }
    const rawRole = item.role;
    const role = typeof rawRole === "string" && options.ignoreRoleCase ? rawRole.toLowerCase() : rawRole;
    if (rawRole === undefined) {
      issues.add(at, `is missing its role (one of ${CHAT_ROLES.join(", ")})`);
      ok = false;
    } else if (typeof role !== "string" || !CHAT_ROLES.includes(role as ChatRole)) {
      const shown = typeof rawRole === "string" ? `"${rawRole}"` : describeValue(rawRole);
      const hint = typeof rawRole === "string" ? formatDidYouMean(rawRole, CHAT_ROLES) : "";
      issues.add([...at, "role"], `unknown role ${shown}${hint}; use one of ${CHAT_ROLES.join(", ")}`);
      ok = false;
    }
    const content = item.content;
    if (content === undefined || content === null) {
      issues.add(at, "is missing its content (the message text; {{vars}} allowed)");
      ok = false;
    } else if (typeof content !== "string") {
      issues.add(
        [...at, "content"],
        `must be text, got ${describeValue(content)}; quote it if it should be text`,
      );
      ok = false;
    } else if (content.trim() === "") {
      issues.add([...at, "content"], "is empty: write the message text, or remove the message");
      ok = false;
    }
    if (ok) messages.push({ role: role as ChatRole, content: content as string });
  }
  return messages;
}
