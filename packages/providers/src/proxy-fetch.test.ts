// Model calls through a proxy: the settings a shell reads from its environment, and undici's CONNECT tunnels to
// a loopback model server through a loopback proxy that counts what it forwards.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type MockOpenAIServer,
  startMockOpenAI,
  startTunnelProxy,
  type TunnelProxy,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateConfig } from "./evaluate.ts";
import { createProxyFetch, readProxySettings } from "./proxy-fetch.ts";

describe("readProxySettings", () => {
  it("reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY in either case, and never proxies loopback", () => {
    expect(readProxySettings({})).toBeUndefined();
    expect(readProxySettings({ NO_PROXY: "example.com", https_proxy: "  " })).toBeUndefined();
    expect(
      readProxySettings({ HTTPS_PROXY: "http://proxy:3128", no_proxy: ".corp.example", NO_PROXY: "ignored" }),
    ).toEqual({ httpsProxy: "http://proxy:3128", noProxy: ".corp.example,localhost,127.0.0.1,[::1]" });
    expect(readProxySettings({ http_proxy: "http://p:8080", HTTP_PROXY: "http://other:1" })).toEqual({
      httpProxy: "http://p:8080",
      noProxy: "localhost,127.0.0.1,[::1]",
    });
  });
});

describe("model calls through a proxy", () => {
  let proxy: TunnelProxy;
  let model: MockOpenAIServer;
  let dir: string;

  beforeAll(async () => {
    proxy = await startTunnelProxy();
    model = await startMockOpenAI({ respond: () => "1" });
    dir = await mkdtemp(path.join(tmpdir(), "promptfirst-proxy-"));
    await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}.\n");
    await writeFile(
      path.join(dir, "math.jsonl"),
      '{"id": "c0", "vars": {"n": 0}, "expected": "1"}\n{"id": "c1", "vars": {"n": 1}, "expected": "1"}\n',
    );
    await writeFile(
      path.join(dir, "promptfirst.yaml"),
      `provider: { baseURL: ${model.baseURL} }
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: math.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      one: { model: m-one, prompt: add-one.md }
`,
    );
  });
  afterAll(async () => {
    await proxy.close();
    await model.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("tunnel to the endpoint through the proxy the settings name, and straight to a host in noProxy", async () => {
    const port = new URL(model.baseURL).port;
    const viaProxy = createProxyFetch({ httpProxy: proxy.url, noProxy: "" });
    const response = await viaProxy(`${model.baseURL}/models`, { method: "GET" });
    expect(response.status).toBeLessThan(500);
    expect(proxy.tunnels).toEqual([`127.0.0.1:${port}`]);
    const direct = createProxyFetch({ httpProxy: proxy.url, noProxy: "127.0.0.1" });
    await direct(`${model.baseURL}/models`, { method: "GET" });
    expect(proxy.tunnels).toHaveLength(1);
  });

  it("carry an evaluation's calls (evaluateConfig's proxy)", async () => {
    proxy.tunnels.length = 0;
    const { result, blocking } = await evaluateConfig({
      configPath: path.join(dir, "promptfirst.yaml"),
      suites: [],
      displayBase: dir,
      lookupKey: () => "sk-proxied",
      proxy: { httpProxy: proxy.url, noProxy: "" },
      cache: false,
      toolVersion: "test",
    });
    expect(blocking).toEqual([]);
    expect(result.suites.math!.candidates.one!.summary.errors).toBe(0);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(model.stats.requests).toBeGreaterThanOrEqual(2);
  });
});
