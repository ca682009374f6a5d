// The bundle keeps a few libraries out of its start-up parse (build.mjs, LAZY_GROUPS): ajv, csv-parse and the
// price table are bundled apart as dist/lazy/<group>.cjs and loaded by stand-ins the first time they are used.
// These tests check the committed files and run the bundle on a check that needs all three.
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  startMockOpenAI,
  startTunnelProxy,
} from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  answerAddOne,
  DIST,
  type FixtureRepo,
  makeArithmeticRepo,
  makeExampleRepo,
  runBundledAction,
  runGit,
  startPullRequestFixture,
} from "./action-harness.ts";

const LAZY_DIR = path.join(path.dirname(DIST), "lazy");
const require = createRequire(import.meta.url);

describe("the bundle's lazily loaded libraries", () => {
  it("each group file exports its modules, in order, with the functions the stand-ins call", () => {
    const load = (group: string) =>
      require(path.join(LAZY_DIR, `${group}.cjs`)).modules as Array<Record<string, unknown>>;
    const [prices] = load("price-table");
    expect(typeof prices!.calcPrice).toBe("function");
    expect(typeof prices!.findProvider).toBe("function");
    const schema = load("json-schema");
    expect(schema).toHaveLength(4);
    for (const module of schema) expect(typeof module.default).toBe("function");
    const [csv] = load("csv");
    expect(typeof csv!.parse).toBe("function");
    const [undici] = load("undici");
    expect(typeof undici!.fetch).toBe("function");
    expect(typeof undici!.ProxyAgent).toBe("function");
    expect(typeof undici!.EnvHttpProxyAgent).toBe("function");
  });

  describe("a check with CSV cases and a JSON Schema scorer", () => {
    let repo: FixtureRepo;
    let standIn: GitHubStandIn;
    let eventPath: string;
    let server: Awaited<ReturnType<typeof startMockOpenAI>>;

    beforeAll(async () => {
      server = await startMockOpenAI({
        respond: (request) => {
          const n = Number(/to (\d+)/.exec(String(request.messages.at(-1)?.content ?? ""))?.[1] ?? 0);
          // Head's prompt asks for JSON: a valid answer; base's gets a bare number, which the schema refuses.
          return /JSON/.test(String(request.messages.at(-1)?.content))
            ? JSON.stringify({ n: n + 1 })
            : String(n + 1);
        },
      });
      repo = await makeArithmeticRepo({ cases: 4, headPrompt: "Add one to {{n}}.\n" });
      // Cases as CSV, scored by a JSON Schema.
      const csv = ["id,vars.n,expected", ...[0, 1, 2, 3].map((n) => `c${n},${n},${n + 1}`)].join("\n");
      await writeFile(path.join(repo.dir, "evals", "math.csv"), `${csv}\n`);
      const config = (await readFile(path.join(repo.dir, "promptfirst.yaml"), "utf8"))
        .replace("evals/math.jsonl", "evals/math.csv")
        .replace(
          '- exact: "{{expected}}"',
          "- json: { schema: { type: object, required: [n], properties: { n: { type: integer } } } }",
        )
        .replace(/pricing:\n.*\n/, "");
      await writeFile(path.join(repo.dir, "promptfirst.yaml"), config);
      runGit(repo.dir, "add", "-A");
      runGit(repo.dir, "commit", "--quiet", "--amend", "-m", "base");
      repo.baseSha = runGit(repo.dir, "rev-parse", "HEAD");
      await writeFile(
        path.join(repo.dir, "add-one.md"),
        'Add one to {{n}}. Answer in JSON: {"n": <the sum>}.\n',
      );
      runGit(repo.dir, "commit", "--quiet", "-am", "head");
      repo.headSha = runGit(repo.dir, "rev-parse", "HEAD");
      ({ standIn, eventPath } = await startPullRequestFixture({ repo, number: 3, ref: "json" }));
    });
    afterAll(async () => {
      await standIn?.close();
      await server?.close();
      if (repo) await rm(repo.dir, { recursive: true, force: true });
      if (eventPath) await rm(eventPath, { force: true });
    });

    it("loads them when first needed: reads the CSV cases and scores each answer against the schema", async () => {
      const run = await runBundledAction({
        workspace: repo.dir,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        inputs: {
          "base-url": server.baseURL,
          "github-token": GITHUB_STANDIN_WRITE_TOKEN,
          "api-key": "sk-lazy",
          "fail-on": "never",
          comment: "never",
        },
      });
      expect(run.code, run.stdout).toBe(0);
      const head = JSON.parse(await readFile(path.join(run.outputs["report-dir"]!, "head.json"), "utf8"));
      const base = JSON.parse(await readFile(path.join(run.outputs["report-dir"]!, "base.json"), "utf8"));
      expect(JSON.stringify(head)).toContain('"c3"');
      const scores = (result: unknown) => JSON.stringify(result).match(/"score":\s*[0-9.]+/g) ?? [];
      expect(scores(head).length).toBeGreaterThan(0);
      expect(scores(head).every((s) => s.endsWith("1"))).toBe(true);
      expect(scores(base).every((s) => s.endsWith("0"))).toBe(true);
      expect(standIn.violations).toEqual([]);
    });
  });

  it("talks to GitHub through @actions/github's undici when a proxy is set (loopback bypasses it)", async () => {
    const repo = await makeArithmeticRepo({ cases: 2, headPrompt: "Add one to {{n}}, please.\n" });
    const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 5, ref: "proxied" });
    const server = await startMockOpenAI({
      respond: answerAddOne,
    });
    try {
      const run = await runBundledAction({
        workspace: repo.dir,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        // @actions/http-client never proxies loopback addresses: the requests go straight to the stand-in, but
        // through undici's fetch, loaded from dist/lazy/undici.cjs.
        env: { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" },
        inputs: {
          "base-url": server.baseURL,
          "github-token": GITHUB_STANDIN_WRITE_TOKEN,
          "api-key": "sk-proxied",
          "fail-on": "never",
          comment: "always",
        },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs["comment-url"]).toMatch(/#issuecomment-\d+$/);
      expect(standIn.violations).toEqual([]);
    } finally {
      await server.close();
      await standIn.close();
      await rm(repo.dir, { recursive: true, force: true });
      await rm(eventPath, { force: true });
    }
  });

  it("sends model calls through the runner's proxy, with undici's EnvHttpProxyAgent from dist/lazy", async () => {
    const repo = await makeArithmeticRepo({ cases: 2, headPrompt: "Add one to {{n}}, via the proxy.\n" });
    const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 6, ref: "via-proxy" });
    // A loopback address other than 127.0.0.1, localhost and ::1, which are never proxied.
    const server = await startMockOpenAI({
      host: "127.0.0.2",
      respond: answerAddOne,
    });
    const proxy = await startTunnelProxy();
    try {
      const run = await runBundledAction({
        workspace: repo.dir,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
        inputs: {
          "base-url": server.baseURL,
          "github-token": GITHUB_STANDIN_WRITE_TOKEN,
          "api-key": "sk-via-proxy",
          "fail-on": "never",
          comment: "never",
        },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.verdict).toBeDefined();
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([new URL(server.baseURL).host]));
      expect(server.stats.requests).toBeGreaterThanOrEqual(4);
    } finally {
      await proxy.close();
      await server.close();
      await standIn.close();
      await rm(repo.dir, { recursive: true, force: true });
      await rm(eventPath, { force: true });
    }
  });

  it("prices calls from the price table (the customer-support example, replayed against api.openai.com)", async () => {
    const repo = await makeExampleRepo("trim-knowledge-base");
    const { standIn, eventPath } = await startPullRequestFixture({ repo, number: 4, ref: "trim" });
    try {
      const run = await runBundledAction({
        workspace: repo.dir,
        eventPath,
        headSha: repo.headSha,
        apiUrl: standIn.url,
        inputs: { "github-token": GITHUB_STANDIN_WRITE_TOKEN, replay: "recording.json", "fail-on": "never" },
      });
      expect(run.code, run.stdout).toBe(0);
      const head = await readFile(path.join(run.outputs["report-dir"]!, "head.json"), "utf8");
      // A lookup that failed to load the table would read as an unknown price, not as an error.
      expect(head).toMatch(/"source":\s*"genai-prices \(openai\//);
    } finally {
      await standIn.close();
      await rm(repo.dir, { recursive: true, force: true });
      await rm(eventPath, { force: true });
    }
  });
});
