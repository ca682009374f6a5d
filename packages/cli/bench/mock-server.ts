// Child process for benchmarks: serves the loopback OpenAI-compatible model outside the measured process, so
// the benchmark's CPU figures are the engine's own. Messages: "stats" (answered with the counters and the times
// of the first and last answer since the last "reset", epoch milliseconds), "reset", "close".
import { startMockOpenAI } from "@promptfirst/test-utils";

const latencyMs = Number(process.argv[2] ?? "50");
let firstAnswerAt: number | undefined;
let lastAnswerAt: number | undefined;
const server = await startMockOpenAI({
  latencyMs,
  respond: (req) => {
    // Called once the latency has passed: the answer goes out now.
    lastAnswerAt = Date.now();
    firstAnswerAt ??= lastAnswerAt;
    const text = String(req.messages.at(-1)?.content ?? "");
    return { content: `answer: ${text.slice(-24)}`, usage: { prompt_tokens: 40, completion_tokens: 8 } };
  },
});
process.send?.({ type: "ready", baseURL: server.baseURL });
process.on("message", (message: { type: string }) => {
  if (message.type === "stats") {
    process.send?.({ type: "stats", stats: { ...server.stats, firstAnswerAt, lastAnswerAt } });
  }
  if (message.type === "reset") {
    // Also forgets the request bodies the server keeps, which would otherwise pile up run after run.
    server.resetStats();
    firstAnswerAt = undefined;
    lastAnswerAt = undefined;
    process.send?.({ type: "reset" });
  }
  if (message.type === "close") void server.close().then(() => process.exit(0));
});
