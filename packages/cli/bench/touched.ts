// `pnpm bench`: a pull request that rewords 1 of 10 prompts. Naive CI evaluates all ten suites on base and head;
// promptfirst evaluates only the touched suite, and its base from the cache a push to main saved (the
// examples/workflows/promptfirst-warm-cache.yml recipe). Prints the model calls made as a fraction of naive.
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMockOpenAI } from "@promptfirst/test-utils";
import type { CliIO } from "../src/io.ts";
import { main } from "../src/main.ts";

const SUITES = 10;
const CASES = 50;
const GOAL = 0.06;

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], {
    cwd: dir,
  });
}

async function promptfirst(cwd: string, argv: string[]): Promise<number> {
  let stderr = "";
  const io: CliIO = {
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    cwd,
    isTTY: false,
    now: () => performance.now(),
  };
  const code = await main([...argv, "--quiet"], io);
  if (code !== 0 && code !== 1) throw new Error(`promptfirst ${argv.join(" ")} exited ${code}:\n${stderr}`);
  return code;
}

const server = await startMockOpenAI({
  respond: (req) => `answer ${String(req.messages.at(-1)?.content ?? "").length % 7}`,
});
const root = await mkdtemp(path.join(tmpdir(), "promptfirst-touched-"));
try {
  // main: ten suites, each with its own prompt and cases.
  const repo = path.join(root, "repo");
  await mkdir(path.join(repo, "prompts"), { recursive: true });
  await mkdir(path.join(repo, "evals"), { recursive: true });
  const suites: string[] = [];
  for (let s = 0; s < SUITES; s++) {
    const cases = Array.from({ length: CASES }, (_, i) =>
      JSON.stringify({ id: `q${i}`, vars: { q: `question ${i} of suite ${s}` }, expected: `${i % 7}` }),
    );
    await writeFile(path.join(repo, "evals", `s${s}.jsonl`), `${cases.join("\n")}\n`);
    await writeFile(path.join(repo, "prompts", `s${s}.md`), `Suite ${s}: answer the question.\n\n{{q}}\n`);
    suites.push(`  s${s}:
    cases: evals/s${s}.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      prompt:
        model: bench-model
        prompt: prompts/s${s}.md`);
  }
  await writeFile(
    path.join(repo, "promptfirst.yaml"),
    `provider:\n  baseURL: ${server.baseURL}\npricing:\n  bench-model: { input: 0.4, output: 1.6 }\nsuites:\n${suites.join("\n")}\n`,
  );
  await writeFile(path.join(repo, ".gitignore"), ".promptfirst/\n");
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "main");

  // The push to main: every suite evaluated, the cache saved (actions/cache keeps the directory as it is).
  await promptfirst(repo, ["eval"]);
  const saved = path.join(root, "saved-cache");
  cpSync(path.join(repo, ".promptfirst", "cache"), saved, { recursive: true });

  // The pull request, in a fresh checkout with the saved cache restored: one prompt reworded.
  const pr = path.join(root, "pr");
  execFileSync("git", ["clone", "--quiet", repo, pr]);
  cpSync(saved, path.join(pr, ".promptfirst", "cache"), { recursive: true });
  await writeFile(path.join(pr, "prompts", "s3.md"), "Suite 3: answer the question in one word.\n\n{{q}}\n");
  git(pr, "commit", "--quiet", "-am", "reword suite 3");

  const before = server.stats.completions;
  await promptfirst(pr, ["gate", "--base", "origin/main"]);
  const made = server.stats.completions - before;
  const naive = 2 * SUITES * CASES;
  const fraction = made / naive;
  process.stdout.write(
    // Head's reworded prompt must have been asked: fewer calls would mean the suite was not evaluated at all.
    `${fraction <= GOAL && made >= CASES ? "ok  " : "MISS"} model calls for a PR rewording 1 of ${SUITES} prompts, / naive base+head of every suite: ${fraction.toFixed(3)} (goal ≤ ${GOAL}) — ${made} calls vs ${naive} (${CASES} cases per suite; base answered from the cache main saved)\n`,
  );
} finally {
  await server.close();
  await rm(root, { recursive: true, force: true });
}
