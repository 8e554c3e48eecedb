// registry-reader: a read-only HTTP front for Schema Registry (see ../README.md). Exits 2 on a configuration error,
// before listening; 1 when it cannot listen; 0 after SIGTERM or SIGINT.
import { readRegistryReaderConfig } from "./config";
import { createRegistryReader } from "./server";
import { describeUpstream } from "./target";

/** Open requests get this long to finish after SIGTERM; Kubernetes waits 30 s before it kills the pod. */
const shutdownGraceMs = 5_000;

const log = (line: string): void => {
  process.stdout.write(`[registry-reader] ${line}\n`);
};

const outcome = readRegistryReaderConfig(process.env);
if (!outcome.ok) {
  for (const problem of outcome.problems) process.stderr.write(`registry-reader configuration error: ${problem}\n`);
  process.exit(2);
}
const { upstream, port, timeoutMs } = outcome.config;

const server = createRegistryReader({ url: upstream, timeoutMs, log });
server.on("error", (error) => {
  process.stderr.write(`registry-reader cannot listen on port ${port}: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, () => log(`listening on port ${port}; GET and HEAD go to ${describeUpstream(upstream)}`));

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  log(`received ${signal}; closing`);
  setTimeout(() => process.exit(0), shutdownGraceMs).unref();
  // close() also closes idle keep-alive connections, so the process ends as soon as open requests finish.
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
