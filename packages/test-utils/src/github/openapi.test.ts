import { describe, expect, it } from "vitest";
import { loadGitHubApiDescription } from "./openapi.ts";

const description = loadGitHubApiDescription();

function operation(operationId: string) {
  const op = description.getOperation(operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  return op;
}

describe("loadGitHubApiDescription", () => {
  it("reads GitHub's api.github.com description once per process", () => {
    expect(loadGitHubApiDescription()).toBe(description);
    expect(description.openapi).toMatch(/^3\.0\./);
    expect(description.packageVersion).toBe("23.0.2");
    expect(description.file).toMatch(/api\.github\.com\.json$/);
    expect(description.bytes).toBeGreaterThan(5_000_000);
    expect(description.pathCount).toBeGreaterThan(500);
    expect(description.operationCount).toBeGreaterThan(description.pathCount);
  });

  it.each([
    ["GET", "/repos/o/r/pulls/5", "pulls/get", { owner: "o", repo: "r", pull_number: "5" }],
    ["GET", "/repos/o/r/pulls/5/files", "pulls/list-files", { pull_number: "5" }],
    ["GET", "/repos/o/r/issues/5/comments", "issues/list-comments", { issue_number: "5" }],
    ["POST", "/repos/o/r/issues/5/comments", "issues/create-comment", { issue_number: "5" }],
    ["PATCH", "/repos/o/r/issues/comments/9", "issues/update-comment", { comment_id: "9" }],
    ["DELETE", "/repos/o/r/issues/comments/9", "issues/delete-comment", { comment_id: "9" }],
    // A literal segment wins over a parameter in the same place.
    ["GET", "/repos/o/r/issues/comments", "issues/list-comments-for-repo", { owner: "o" }],
    ["GET", "/user", "users/get-authenticated", {}],
    ["POST", "/repos/o/r/check-runs", "checks/create", {}],
    // x-multi-segment parameters take the rest of the path.
    [
      "GET",
      "/repos/o/r/compare/main...feature/x",
      "repos/compare-commits-with-basehead",
      { basehead: "main...feature/x" },
    ],
    ["GET", "/repos/o/r/contents/a/b%20c.txt", "repos/get-content", { path: "a/b c.txt" }],
    ["GET", "/repos/o/r/compare/a...b", "repos/compare-commits", { base: "a", head: "b" }],
    ["GET", "/repos/github-actions%5Bbot%5D/r/pulls/1", "pulls/get", { owner: "github-actions[bot]" }],
  ])("routes %s %s to %s", (method, path, operationId, params) => {
    const found = description.findRoute(method, path);
    expect(found.kind).toBe("match");
    if (found.kind !== "match") return;
    expect(found.operation.operationId).toBe(operationId);
    expect(found.params).toMatchObject(params);
  });

  it("tells an unknown path from an unknown method", () => {
    expect(description.findRoute("GET", "/repos/o/r/pulls/5/filez")).toEqual({ kind: "no-path" });
    expect(description.findRoute("GET", "/repos/o/r/pulls/5/files/")).toEqual({ kind: "no-path" });
    expect(description.findRoute("PUT", "/user")).toEqual({
      kind: "no-method",
      template: "/user",
      methods: ["GET", "PATCH"],
    });
  });

  it("carries GitHub's metadata: docs URL, category, whether GitHub Apps may call it", () => {
    const create = operation("issues/create-comment");
    expect(create.docsUrl).toBe("https://docs.github.com/rest/issues/comments#create-an-issue-comment");
    expect(create.category).toBe("issues");
    expect(create.enabledForGitHubApps).toBe(true);
    expect(create.requestBody?.required).toBe(true);
    expect(operation("users/get-authenticated").enabledForGitHubApps).toBe(false);
  });
});

describe("request validation", () => {
  it.each([
    [{ body: "hello" }, []],
    [{ body: "hello", extra: 1 }, []],
    [{ body: 5 }, ["For 'properties/body', 5 is not a string."]],
    [{}, [`"body" wasn't supplied.`]],
    [{ body: null }, ["For 'properties/body', null is not a string."]],
  ])("checks a comment body %j", (body, problems) => {
    expect(description.validateRequestBody(operation("issues/create-comment"), body)).toEqual(problems);
  });

  it("checks nested bodies, enums and formats (check runs)", () => {
    const op = operation("checks/create");
    expect(description.validateRequestBody(op, { name: "eval", head_sha: "abc" })).toEqual([]);
    expect(
      description.validateRequestBody(op, {
        name: "eval",
        head_sha: "abc",
        status: "done",
        started_at: "yesterday",
        output: { title: 3 },
      }),
    ).toEqual([
      `For 'properties/status', "done" is not a member of ["queued","in_progress","completed"].`,
      `For 'properties/started_at', "yesterday" must match format "date-time".`,
      `"summary" wasn't supplied.`,
      "For 'properties/output/properties/title', 3 is not a string.",
    ]);
  });

  it("coerces and checks query and path parameters", () => {
    const op = operation("pulls/list-files");
    const param = (name: string) => op.parameters.find((p) => p.name === name)!;
    expect(description.validateParameter(op, param("per_page"), "100")).toEqual([]);
    expect(description.validateParameter(op, param("per_page"), "ten")).toEqual([
      `For 'per_page', "ten" is not an integer.`,
    ]);
    expect(description.validateParameter(op, param("pull_number"), "12")).toEqual([]);
    expect(description.validateParameter(op, param("pull_number"), "12abc")).toEqual([
      `For 'pull_number', "12abc" is not an integer.`,
    ]);
    const since = operation("issues/list-comments").parameters.find((p) => p.name === "since")!;
    expect(
      description.validateParameter(operation("issues/list-comments"), since, "2026-01-01T00:00:00Z"),
    ).toEqual([]);
    expect(description.validateParameter(operation("issues/list-comments"), since, "last week")).toHaveLength(
      1,
    );
  });
});

describe("response validation", () => {
  it("accepts GitHub's own examples, with nullable fields as null", () => {
    const comment = description.getExample("issue-comment") as Record<string, unknown>;
    expect(comment.minimized).toBeNull();
    expect(description.validateResponse("issues/create-comment", 201, comment)).toEqual([]);
    expect(
      description.validateResponse("issues/create-comment", 201, {
        ...comment,
        minimized: { reason: "spam" },
      }),
    ).toEqual([]);
    expect(description.validateResponse("issues/list-comments", 200, [comment, comment])).toEqual([]);
    expect(
      description.validateResponse("pulls/list-files", 200, description.getExample("diff-entry-items")),
    ).toEqual([]);
  });

  it("rejects what GitHub never sends", () => {
    const comment = description.getExample("issue-comment") as Record<string, unknown>;
    expect(description.validateResponse("issues/create-comment", 201, { ...comment, id: "1" })).toEqual([
      `For '/id', "1" is not an integer.`,
    ]);
    const { user: _user, ...noUser } = comment;
    expect(description.validateResponse("issues/create-comment", 201, noUser)).toEqual([
      `"user" wasn't supplied.`,
    ]);
    expect(
      description.validateResponse("issues/create-comment", 201, { ...comment, minimized: true }),
    ).not.toEqual([]);
  });

  it("has nothing to check where the description declares no JSON body", () => {
    expect(description.validateResponse("issues/delete-comment", 204, undefined)).toEqual([]);
    expect(description.validateResponse("no/such-operation", 200, 1)).toEqual([]);
  });
});
