// Child process for benchmarks: serves the loopback OpenAI-compatible model outside the measured process, so
// the benchmark's CPU figures are the engine's own.
import { startMockOpenAI } from "@promptfirst/test-utils";

const latencyMs = Number(process.argv[2] ?? "50");
const server = await startMockOpenAI({
  latencyMs,
  respond: (req) => {
    const text = String(req.messages.at(-1)?.content ?? "");
    return { content: `answer: ${text.slice(-24)}`, usage: { prompt_tokens: 40, completion_tokens: 8 } };
  },
});
process.send?.({ type: "ready", baseURL: server.baseURL });
process.on("message", (message: { type: string }) => {
  if (message.type === "stats") process.send?.({ type: "stats", stats: { ...server.stats } });
  if (message.type === "close") void server.close().then(() => process.exit(0));
});
