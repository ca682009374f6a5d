// Runs the Action once through GitHub's own local runner, @github/local-action 7: it reads action.yml, loads a
// .env file of INPUT_* and GITHUB_* variables and calls run() from src/main.ts (it runs sources, not bundles).
// The pull request is the customer-support example's, answered from its committed recording; GitHub's REST API is
// our stand-in. Offline, with two workarounds:
// - its bin starts `pnpm dlx tsx …` (a registry fetch) when package.json names pnpm: we run its src/index.ts
//   with the tsx it installed, setting the two variables the bin would set.
// - it swaps @actions/core and @actions/github for its stubs only where it finds them: with pnpm it reads the
//   first project of `pnpm list --json`, which in a pnpm 12 workspace is the root (no dependencies); with npm,
//   `npm ls` names the node_modules symlinks while Node's ESM loader imports the real .pnpm paths, so quibble's
//   stubs never match. The Action therefore runs with the real @actions/core: outputs go to GITHUB_OUTPUT (read
//   below) and local-action's own "Action Outputs" table stays empty.
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { GITHUB_STANDIN_WRITE_TOKEN, type GitHubStandIn } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FixtureRepo,
  makeExampleRepo,
  parseOutputs,
  REPO_ROOT,
  startPullRequestFixture,
} from "./action-harness.ts";

const PACKAGE_DIR = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
/** local-action's own entry (its bin would fetch tsx with `pnpm dlx`: we run the installed tsx instead). */
const LOCAL_ACTION_DIR = path.resolve(path.dirname(require.resolve("@github/local-action")), "..");
const TSX = path.join(LOCAL_ACTION_DIR, "node_modules", ".bin", "tsx");

describe("@github/local-action runs the Action", () => {
  let standIn: GitHubStandIn;
  let repo: FixtureRepo;
  let envFile: string;
  let eventPath: string;

  beforeAll(async () => {
    repo = await makeExampleRepo("trim-knowledge-base");
    ({ standIn, eventPath } = await startPullRequestFixture({
      repo,
      number: 11,
      ref: "trim-knowledge-base",
    }));
    envFile = `${repo.dir}.env`;
    const env: Record<string, string> = {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: "octo-org/octo-repo",
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_API_URL: standIn.url,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_WORKFLOW: "ci",
      GITHUB_JOB: "local-action",
      GITHUB_SHA: repo.headSha,
      GITHUB_STEP_SUMMARY: `${repo.dir}-summary.md`,
      GITHUB_OUTPUT: `${repo.dir}-output`,
      "INPUT_GITHUB-TOKEN": GITHUB_STANDIN_WRITE_TOKEN,
      INPUT_REPLAY: "recording.json",
      "INPUT_FAIL-ON": "any",
    };
    await writeFile(
      envFile,
      `${Object.entries(env)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join("\n")}\n`,
    );
    await writeFile(`${repo.dir}-summary.md`, "");
    await writeFile(`${repo.dir}-output`, "");
  });
  afterAll(async () => {
    await standIn?.close();
    if (repo) {
      await rm(repo.dir, { recursive: true, force: true });
      for (const f of [envFile, eventPath, `${repo.dir}-summary.md`, `${repo.dir}-output`])
        if (f) await rm(f, { force: true });
    }
  });

  it("runs src/main.ts with a .env file and reports the verdict as an output", async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        TSX,
        [
          path.join(LOCAL_ACTION_DIR, "src", "index.ts"),
          "run",
          REPO_ROOT,
          "packages/action/src/main.ts",
          envFile,
        ],
        {
          cwd: PACKAGE_DIR,
          env: {
            ...process.env,
            NODE_PACKAGE_MANAGER: "pnpm",
            TARGET_ACTION_PATH: REPO_ROOT,
            NODE_NO_WARNINGS: "1",
            FORCE_COLOR: "0",
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: `${out}\n${err}` }),
      );
    });
    expect(stdout).toContain("Running Action");
    // fail-on: any, and the trimmed knowledge base loses quality: the step fails with the real verdict.
    expect(code, stdout).toBe(1);
    expect(stdout).toContain("promptfirst: the check fails (fail-on: any): quality");
    const outputs = parseOutputs(await readFile(`${repo.dir}-output`, "utf8"));
    expect(outputs.verdict).toBe("fail");
    expect(outputs.quality).toBe("fail");
    expect(outputs["comment-url"]).toMatch(/\/pull\/11#issuecomment-\d+$/);
    expect(standIn.violations).toEqual([]);
  });
});
