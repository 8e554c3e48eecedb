import { ConfigurationError } from "../../shared/environment";
import { CassandraUserRepository } from "./cassandra-repository";
import { loadDashboardConfig, type DashboardConfig } from "./config";
import { DashboardServer } from "./server";
import { SnapshotService } from "./snapshot";

const log = (line: string): void => {
  process.stderr.write(`[dashboard] ${line}\n`);
};

async function main(): Promise<void> {
  let config: DashboardConfig;
  try {
    config = loadDashboardConfig(process.env);
  } catch (error) {
    log(error instanceof ConfigurationError ? error.message : `configuration failed: ${String(error)}`);
    process.exit(2);
  }
  const { environment } = config;
  const repository = new CassandraUserRepository(config, log);
  const service = new SnapshotService(repository, {
    cacheMs: environment.DASHBOARD_CACHE_SECONDS * 1000,
    ingestMinutes: environment.DASHBOARD_INGEST_MINUTES,
    latestLimit: environment.DASHBOARD_LATEST_LIMIT,
    log,
  });
  const server = new DashboardServer(service, { pushIntervalMs: environment.DASHBOARD_PUSH_SECONDS * 1000, log });
  try {
    const address = await server.listen(environment.PORT);
    log(`listening on port ${address.port}; reading ${repository.describe()}`);
  } catch (error) {
    log(`cannot listen on PORT=${environment.PORT}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // Connect eagerly so the first page view is not the one that waits for Cassandra.
  void service.getSnapshot();

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`received ${signal}; closing`);
    const forced = setTimeout(() => process.exit(0), 5_000);
    forced.unref();
    void Promise.allSettled([server.close(), repository.close()]).then(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

void main();
