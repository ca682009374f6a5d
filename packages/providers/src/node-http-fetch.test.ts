import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BufferedResponse, createNodeHttpFetch, RawHeaders } from "./node-http-fetch.ts";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A loopback server answering with `handler`; resolves to its origin. */
async function serve(handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, Buffer.concat(chunks).toString("utf8"), response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("createNodeHttpFetch", () => {
  it("sends the method, path, query, headers (a record or a Headers) and body", async () => {
    const seen: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }> =
      [];
    const origin = await serve((request, body, response) => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.end("{}");
    });
    const nodeFetch = createNodeHttpFetch();
    await nodeFetch(`${origin}/v1/chat/completions?api-version=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: '{"a":1}',
    });
    await nodeFetch(new URL(`${origin}/v1/models`), { headers: new Headers({ "X-Team": "support" }) });
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/v1/chat/completions?api-version=1",
      headers: { "content-type": "application/json", authorization: "Bearer k", "content-length": "7" },
      body: '{"a":1}',
    });
    expect(seen[1]).toMatchObject({ method: "GET", url: "/v1/models", headers: { "x-team": "support" } });
  });

  it("answers with the status, the headers and the body, as the SDK reads a Response", async () => {
    const origin = await serve((_request, _body, response) => {
      response.writeHead(429, "Too Many", [
        ["Content-Type", "application/json"],
        ["Retry-After", "2"],
        ["X-Multi", "a"],
        ["X-Multi", "b"],
        ["Set-Cookie", "x=1"],
        ["Set-Cookie", "y=2"],
      ]);
      response.end('{"error":{"message":"slow down"}}');
    });
    const response = await createNodeHttpFetch()(`${origin}/x`);
    expect(response).toBeInstanceOf(BufferedResponse);
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.statusText).toBe("Too Many");
    expect(response.url).toBe(`${origin}/x`);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("Content-TYPE")).toBe("application/json");
    expect(response.headers.get("x-multi")).toBe("a, b");
    expect(response.headers.get("x-missing")).toBeNull();
    expect(response.headers.has("retry-after")).toBe(true);
    expect(response.headers.getSetCookie()).toEqual(["x=1", "y=2"]);
    const names = [...response.headers.entries()].map(([name]) => name);
    expect(names).toEqual([...names].sort());
    expect([...response.headers].filter(([name]) => name === "set-cookie")).toEqual([
      ["set-cookie", "x=1"],
      ["set-cookie", "y=2"],
    ]);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ error: { message: "slow down" } });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it("joins a body that arrives in several chunks, and drops a UTF-8 byte-order mark as Response does", async () => {
    const origin = await serve((_request, _body, response) => {
      response.write(Buffer.from([0xef, 0xbb, 0xbf]));
      response.write('{"text":"h');
      setTimeout(() => response.end('éllo"}'), 5);
    });
    const response = await createNodeHttpFetch()(`${origin}/`);
    expect(await response.json()).toEqual({ text: "héllo" });
  });

  it("has no body for a 204, and hands out the body as a stream when asked", async () => {
    let status = 204;
    const origin = await serve((_request, _body, response) => {
      response.statusCode = status;
      response.end(status === 204 ? undefined : "streamed");
    });
    const nodeFetch = createNodeHttpFetch();
    const empty = await nodeFetch(`${origin}/`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    status = 200;
    const full = await nodeFetch(`${origin}/`);
    expect(full.body).toBe(full.body);
    expect(await new Response(full.body).text()).toBe("streamed");
    expect(full.bodyUsed).toBe(true);
    const copy = (await nodeFetch(`${origin}/`)).clone();
    expect(await copy.text()).toBe("streamed");
  });

  it("rejects with an AbortError for a signal aborted before or during the request", async () => {
    let requests = 0;
    const origin = await serve(() => {
      requests++;
      // Never answers.
    });
    const nodeFetch = createNodeHttpFetch();
    await expect(nodeFetch(`${origin}/`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(requests).toBe(0);
    const controller = new AbortController();
    const pending = nodeFetch(`${origin}/`, { method: "POST", body: "{}", signal: controller.signal });
    while (requests === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(new Error("no answer within 5 ms"));
    await expect(pending).rejects.toMatchObject({ name: "AbortError", message: "no answer within 5 ms" });
  });

  it("rejects with the socket error when the connection fails, and a TypeError for other protocols", async () => {
    const origin = await serve((_request, _body, response) => response.end());
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const nodeFetch = createNodeHttpFetch();
    await expect(nodeFetch(`${origin}/`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(nodeFetch("ftp://example.test/")).rejects.toThrow(TypeError);
    await expect(nodeFetch("not a url")).rejects.toThrow(TypeError);
  });

  it("rejects, rather than answer a truncated body, when the connection drops mid-body", async () => {
    const origin = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(createNodeHttpFetch()(`${origin}/`)).rejects.toThrow();
  });

  it("keeps connections open between requests", async () => {
    const ports = new Set<number>();
    const origin = await serve((request, _body, response) => {
      ports.add(request.socket.remotePort!);
      response.end("{}");
    });
    const nodeFetch = createNodeHttpFetch();
    for (let i = 0; i < 5; i++) await (await nodeFetch(`${origin}/`)).json();
    expect(ports.size).toBe(1);
  });
});

describe("RawHeaders", () => {
  it("reads like a Headers built from the same list", () => {
    const raw = ["Content-Type", "text/plain", "X-A", "1", "x-a", "2", "Date", "today"];
    const headers = new RawHeaders(raw);
    const reference = new Headers();
    for (let i = 0; i < raw.length; i += 2) reference.append(raw[i]!, raw[i + 1]!);
    expect([...headers]).toEqual([...reference]);
    expect([...headers.keys()]).toEqual([...reference.keys()]);
    expect([...headers.values()]).toEqual([...reference.values()]);
    const visited: string[] = [];
    headers.forEach((value, name) => {
      visited.push(`${name}=${value}`);
    });
    expect(visited).toEqual(["content-type=text/plain", "date=today", "x-a=1, 2"]);
    expect(() => headers.set()).toThrow(TypeError);
  });
});
