import { getMessageText } from "../answers.ts";
import type { MockAnswer, MockChatRequest } from "../types.ts";

/**
 * Token usage for a scripted example model's answer: about 4 characters a token for the whole request (every
 * message) and for the answer, like the loopback server's own estimate, so costs in the recordings are
 * realistic for the prompts' lengths.
 */
export function estimateUsage(req: MockChatRequest, content: string): MockAnswer["usage"] {
  const input = req.messages.reduce((n, m) => n + getMessageText(m.content).length, 0);
  return { prompt_tokens: Math.ceil(input / 4), completion_tokens: Math.ceil(content.length / 4) };
}
