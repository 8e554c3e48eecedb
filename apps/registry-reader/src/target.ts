/** The path part of a request target, without its query. */
export function pathOf(target: string): string {
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}

/**
 * Why a request target may not be forwarded, or undefined when it is a plain path under the registry. The target is
 * appended to the upstream's base path and sent to the upstream's host, so the host cannot change; what is refused is
 * anything that could still point elsewhere once some server or library resolves it: an absolute URL, an authority,
 * `//host/...`, and `.`/`..` segments, also percent-encoded or separated by an encoded or back slash.
 */
export function targetProblem(target: string): string | undefined {
  if (!target.startsWith("/")) return "only a path starting with / is forwarded, not an absolute URL or authority";
  if (/^(\/|\\|%2f|%5c){2}/i.test(target)) return "a path starting with // can name another host";
  const segments = pathOf(target)
    .replace(/%2e/gi, ".")
    .split(/\/|\\|%2f|%5c/i);
  if (segments.some((segment) => segment === "." || segment === "..")) {
    return "a path with . or .. segments can leave the registry's base path";
  }
  return undefined;
}

/** The path and query to request upstream: the target under the upstream's base path. */
export function upstreamPath(upstream: URL, target: string): string {
  return upstream.pathname.replace(/\/+$/, "") + target;
}

/** How messages name the upstream: its origin and base path. */
export function describeUpstream(upstream: URL): string {
  return upstream.origin + upstream.pathname.replace(/\/+$/, "");
}
