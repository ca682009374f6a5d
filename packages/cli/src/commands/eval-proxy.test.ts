// `promptfirst eval` sends model calls through the proxy its environment names (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY), never for loopback's usual names.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startMockOpenAI, startTunnelProxy } from "@promptfirst/test-utils";
import { describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../test-helpers.ts";

describe("eval behind a proxy", () => {
  it("tunnels model calls through HTTP_PROXY unless NO_PROXY names the host", async () => {
    // 127.0.0.2: loopback, but not one of the names that are never proxied.
    const model = await startMockOpenAI({ host: "127.0.0.2", respond: () => "1" });
    const proxy = await startTunnelProxy();
    const dir = await makeTempDir();
    try {
      await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}.\n");
      await writeFile(path.join(dir, "math.jsonl"), '{"id": "c0", "vars": {"n": 0}, "expected": "1"}\n');
      await writeFile(
        path.join(dir, "promptfirst.yaml"),
        [
          `provider: { baseURL: "${model.baseURL}" }`,
          "pricing:",
          '  "m-*": { input: 1, output: 2 }',
          "cache: { enabled: false }",
          "suites:",
          "  math:",
          "    cases: math.jsonl",
          "    scorers:",
          '      - exact: "{{expected}}"',
          "    candidates:",
          "      one: { model: m-one, prompt: add-one.md }",
          "",
        ].join("\n"),
      );
      const env = { OPENAI_API_KEY: "sk-proxy-test", HTTP_PROXY: proxy.url };
      const proxied = await runCli(["eval", "--quiet"], { cwd: dir, env });
      expect(proxied.code, proxied.stderr).toBe(0);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(model.baseURL).host]));
      const tunnels = proxy.tunnels.length;

      const direct = await runCli(["eval", "--quiet"], { cwd: dir, env: { ...env, NO_PROXY: "127.0.0.2" } });
      expect(direct.code, direct.stderr).toBe(0);
      expect(proxy.tunnels).toHaveLength(tunnels);
      expect(model.stats.requests).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
      await model.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
