import { request } from "node:http";

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One request on a connection of its own, as the kubelet's HTTP probe makes it. */
export function probe(port: number, path: string, method = "GET", host = "127.0.0.1"): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host, port, path, method, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}
