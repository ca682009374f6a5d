import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";

/** A forward proxy on loopback that opens CONNECT tunnels and records their targets (`host:port`). */
export interface TunnelProxy {
  /** `http://127.0.0.1:<port>`, for HTTPS_PROXY and the like. */
  url: string;
  /** Every tunnel opened, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/** Start a CONNECT proxy on 127.0.0.1 (what undici's ProxyAgent and curl speak to a proxy). */
export async function startTunnelProxy(): Promise<TunnelProxy> {
  const tunnels: string[] = [];
  const server: Server = createServer((_, response) => response.writeHead(405).end());
  server.on("connect", (request, client, head) => {
    tunnels.push(String(request.url));
    const target = new URL(`http://${String(request.url)}`);
    const upstream = connect(Number(target.port), target.hostname.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
