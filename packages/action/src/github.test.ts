import { getOctokit } from "@actions/github";
import {
  GITHUB_STANDIN_READ_TOKEN,
  GITHUB_STANDIN_WRITE_TOKEN,
  type GitHubStandIn,
  startGitHubStandIn,
} from "@promptfirst/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import {
  findStickyComment,
  findTokenLogin,
  GitHubError,
  listPullRequestFiles,
  upsertStickyComment,
} from "./github.ts";

const BOT = { login: "github-actions[bot]", type: "Bot" as const };
const HUMAN = { login: "octocat", type: "User" as const };
const MARKER = "<!-- promptfirst:comment key=ci/eval/promptfirst.yaml -->";
const PR = { owner: "octo-org", repo: "octo-repo", number: 7 };

let standIn: GitHubStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

function client(token = GITHUB_STANDIN_WRITE_TOKEN) {
  return getOctokit(token, { baseUrl: standIn!.url });
}

const pull = (files: number) => ({
  number: 7,
  head: { sha: "a".repeat(40), ref: "feature" },
  base: { sha: "b".repeat(40), ref: "main" },
  files: Array.from({ length: files }, (_, i) => ({
    filename: `prompts/p${String(i).padStart(4, "0")}.md`,
    status: "modified" as const,
  })),
});

describe("GitHub calls, checked against GitHub's OpenAPI description", () => {
  it("lists every changed file across pages, with the old names of renames", async () => {
    standIn = await startGitHubStandIn({
      pulls: [
        {
          ...pull(250),
          files: [
            ...pull(250).files!,
            { filename: "new.md", status: "renamed", previous_filename: "old.md" },
          ],
        },
      ],
    });
    const files = await listPullRequestFiles(client(), PR);
    expect(files).toHaveLength(252);
    expect(files).toContain("old.md");
    expect(files).toContain("prompts/p0249.md");
    expect(standIn.violations).toEqual([]);
  });

  it("creates the comment once, then updates it in place past 100 other comments", async () => {
    standIn = await startGitHubStandIn({
      pulls: [pull(1)],
      comments: [
        // A human quoting the marker and a minimized old comment of ours must not be taken over.
        { issueNumber: 7, body: `quoting ${MARKER}`, user: HUMAN },
        { issueNumber: 7, body: `${MARKER}\nold`, user: BOT, minimized: "outdated" },
        ...Array.from({ length: 120 }, (_, i) => ({ issueNumber: 7, body: `comment ${i}`, user: HUMAN })),
      ],
    });
    const first = await upsertStickyComment(client(), PR, {
      marker: MARKER,
      author: BOT.login,
      body: `${MARKER}\none`,
    });
    expect(first.created).toBe(true);
    const second = await upsertStickyComment(client(), PR, {
      marker: MARKER,
      author: BOT.login,
      body: `${MARKER}\ntwo`,
    });
    expect(second).toEqual({ id: first.id, url: first.url, created: false });
    const ours = standIn.comments(7).filter((c) => c.body.includes(MARKER) && c.user.login === BOT.login);
    expect(ours.map((c) => c.body)).toEqual([`${MARKER}\nold`, `${MARKER}\ntwo`]);
    expect((await findStickyComment(client(), PR, MARKER, BOT.login))?.id).toBe(first.id);
    expect(standIn.violations).toEqual([]);
  });

  it("reports a read-only token's 403 as a GitHubError with the status", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(1)] });
    const error = await upsertStickyComment(client(GITHUB_STANDIN_READ_TOKEN), PR, {
      marker: MARKER,
      author: BOT.login,
      body: MARKER,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(403);
    expect((error as GitHubError).message).toContain("Resource not accessible by integration");
  });

  it("takes github-actions[bot] as the author when the token cannot read /user", async () => {
    standIn = await startGitHubStandIn({ pulls: [pull(1)] });
    expect(await findTokenLogin(client())).toBe("github-actions[bot]");
  });
});
