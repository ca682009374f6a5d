// `pnpm demo`: the main job on the built-in offline example. It makes a small git repository from
// examples/customer-support (the base commit) with one pull request on top (examples/customer-support/pr/…),
// then runs `promptfirst gate` on it exactly as a pull request check would: evaluate base and head (offline,
// from the example's recording), compare them, apply the gates. No API key, no network.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const example = path.join(root, "examples", "customer-support");
const pullRequest = "trim-knowledge-base";
const cli = path.join(root, "packages", "cli", "dist", "promptfirst.js");

const work = mkdtempSync(path.join(tmpdir(), "promptfirst-demo-"));
const repo = path.join(work, "customer-support");
const git = (...args) =>
  execFileSync("git", ["-c", "user.name=demo", "-c", "user.email=demo@example.invalid", ...args], {
    cwd: repo,
    stdio: "ignore",
  });

try {
  cpSync(example, repo, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(example, src);
      const top = rel.split(path.sep)[0];
      return top !== "pr" && top !== "recording.json" && top !== ".promptfirst";
    },
  });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "-A");
  git("commit", "--quiet", "-m", "Support bot: prompt with the knowledge base pasted in");
  git("checkout", "--quiet", "-b", pullRequest);
  cpSync(path.join(example, "pr", pullRequest), repo, { recursive: true });
  git("commit", "--quiet", "-am", "Trim the knowledge base to cut prompt tokens");

  process.stdout.write(
    `Demo: a pull request that trims the support bot's knowledge base to save tokens (${repo}).\n` +
      "promptfirst gate evaluates the base (main) and the pull request, offline from the example's recording:\n\n",
  );
  const run = spawnSync(
    process.execPath,
    [
      cli,
      "gate",
      "--base",
      "main",
      "--replay",
      path.join(example, "recording.json"),
      "--out",
      ".promptfirst/demo",
    ],
    { cwd: repo, stdio: "inherit" },
  );
  if (run.status === 0 || run.status === 1) {
    process.stdout.write(
      `\nThe gate ${run.status === 0 ? "passed" : "failed, as it should: the trimmed prompt saves tokens but answers security and support questions worse"}.\n` +
        `Results (base.json, head.json, comparison.json) are in ${path.join(repo, ".promptfirst", "demo")}.\n`,
    );
    process.exitCode = 0;
  } else {
    process.exitCode = run.status ?? 1;
    rmSync(work, { recursive: true, force: true });
  }
} catch (error) {
  rmSync(work, { recursive: true, force: true });
  throw error;
}
