import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { GateSettings } from "./settings";

export type Fetched =
  | { readonly kind: "object"; readonly object: unknown }
  | { readonly kind: "absent" }
  | { readonly kind: "forbidden"; readonly status: number; readonly message: string }
  | { readonly kind: "error"; readonly message: string };

/** A GET of one object, as the pod's ServiceAccount, verifying the API server against the cluster CA. */
export type Getter = (apiPath: string) => Promise<Fetched>;

export function apiGetter(settings: Pick<GateSettings, "apiServer" | "tokenFile" | "caFile">): Getter {
  const ca = readFileSync(settings.caFile, "utf8");
  return (apiPath) =>
    new Promise((resolve) => {
      let token: string;
      try {
        token = readFileSync(settings.tokenFile, "utf8").trim();
      } catch (error) {
        resolve({
          kind: "error",
          message: `cannot read the ServiceAccount token ${settings.tokenFile}: ${(error as Error).message}`,
        });
        return;
      }
      const call = request(
        {
          host: settings.apiServer.hostname.replace(/^\[|\]$/g, ""),
          port: settings.apiServer.port || 443,
          path: apiPath,
          method: "GET",
          ca,
          headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
          timeout: 15_000,
        },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status === 200) {
              try {
                resolve({ kind: "object", object: JSON.parse(body) as unknown });
              } catch (error) {
                resolve({ kind: "error", message: `unreadable answer: ${(error as Error).message}` });
              }
            } else if (status === 404) resolve({ kind: "absent" });
            else if (status === 401 || status === 403)
              resolve({ kind: "forbidden", status, message: body.slice(0, 300) });
            else resolve({ kind: "error", message: `HTTP ${status}: ${body.slice(0, 300)}` });
          });
        },
      );
      call.on("timeout", () => call.destroy(new Error("no answer within 15 s")));
      call.on("error", (error) => resolve({ kind: "error", message: error.message }));
      call.end();
    });
}
