import { Client, auth, errors, policies, type types, type ClientOptions } from "cassandra-driver";
import type { DashboardConfig } from "./config";
import type { UserDetails, UserRepository, UserSummaryRow } from "./repository";

const detailColumns =
  "id, first_name, last_name, gender, country, email, username, address, registered_date, produced_at, ingested_at";

export function buildClientOptions(config: DashboardConfig): ClientOptions {
  const { environment } = config;
  return {
    contactPoints: environment.CASSANDRA_CONTACT_POINTS,
    localDataCenter: environment.CASSANDRA_LOCAL_DATACENTER,
    protocolOptions: { port: environment.CASSANDRA_PORT },
    ...(environment.CASSANDRA_USERNAME !== undefined && environment.CASSANDRA_PASSWORD !== undefined
      ? { authProvider: new auth.PlainTextAuthProvider(environment.CASSANDRA_USERNAME, environment.CASSANDRA_PASSWORD) }
      : {}),
    ...(environment.CASSANDRA_TLS
      ? {
          sslOptions:
            config.cassandraCertificateAuthority !== undefined
              ? { ca: [config.cassandraCertificateAuthority] }
              : { rejectUnauthorized: true },
        }
      : {}),
    socketOptions: { readTimeout: environment.CASSANDRA_REQUEST_TIMEOUT_MS, connectTimeout: 5_000 },
    // The default policy backs off up to 10 minutes; a dashboard should notice a restarted node within seconds.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, true) },
  };
}

function text(row: types.Row, column: string): string | null {
  const value: unknown = row.get(column);
  if (value === null || value === undefined) return null;
  // The columns read through here are CQL text; anything else would show as JSON, not "[object Object]".
  return typeof value === "string" ? value : JSON.stringify(value);
}

function timestamp(row: types.Row, column: string): Date | null {
  const value: unknown = row.get(column);
  return value instanceof Date ? value : null;
}

/** Turns the driver's errors into one line an operator can act on. */
export function explainCassandraError(error: unknown, keyspace: string, table: string): string {
  if (error instanceof errors.NoHostAvailableError) {
    const perHost = Object.entries(error.innerErrors as Record<string, unknown>).map(
      ([host, inner]) => `${host}: ${inner instanceof Error ? inner.message : String(inner)}`,
    );
    return `no Cassandra host available${perHost.length > 0 ? ` (${perHost.join("; ")})` : ""}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/unconfigured table|Keyspace .* does not exist/i.test(message)) {
    return `table ${keyspace}.${table} does not exist yet (${message})`;
  }
  return message;
}

/**
 * UserRepository over cassandra-driver. Statements are prepared; the scan pages with
 * `fetchSize` so memory stays flat however large the table is. The client is created on
 * first use and recreated after a long outage (a restarted single node may come back on
 * a new address that the old client would never learn).
 */
export class CassandraUserRepository implements UserRepository {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private failingSince: number | undefined;
  private readonly table: string;

  constructor(
    private readonly config: DashboardConfig,
    private readonly log: (line: string) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.table = `${config.environment.CASSANDRA_KEYSPACE}.${config.environment.CASSANDRA_TABLE}`;
  }

  describe(): string {
    const { CASSANDRA_CONTACT_POINTS: points, CASSANDRA_PORT: port } = this.config.environment;
    return `${this.table} at ${points.map((point) => (/:\d+$/.test(point) ? point : `${point}:${port}`)).join(",")}`;
  }

  private async connectedClient(): Promise<Client> {
    if (this.client !== undefined) return this.client;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client(buildClientOptions(this.config));
    try {
      await client.connect();
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      throw new Error(
        `cannot connect: ${explainCassandraError(error, this.config.environment.CASSANDRA_KEYSPACE, this.config.environment.CASSANDRA_TABLE)}`,
        { cause: error },
      );
    }
    this.log(`connected to Cassandra (${this.describe()})`);
    this.client = client;
    return client;
  }

  /** Runs a data access, tracking how long the store has been failing. */
  private async guarded<Result>(operation: (client: Client) => Promise<Result>): Promise<Result> {
    try {
      const result = await operation(await this.connectedClient());
      this.failingSince = undefined;
      return result;
    } catch (error) {
      const now = this.clock();
      this.failingSince ??= now;
      const limitMs = this.config.environment.DASHBOARD_RECONNECT_AFTER_SECONDS * 1000;
      if (this.client !== undefined && now - this.failingSince >= limitMs) {
        this.log(
          `Cassandra unavailable for ${Math.round((now - this.failingSince) / 1000)} s; recreating the client to re-resolve contact points`,
        );
        const stale = this.client;
        this.client = undefined;
        this.failingSince = now;
        void stale.shutdown().catch(() => undefined);
      }
      throw new Error(
        explainCassandraError(
          error,
          this.config.environment.CASSANDRA_KEYSPACE,
          this.config.environment.CASSANDRA_TABLE,
        ),
        { cause: error },
      );
    }
  }

  async *scanSummaries(): AsyncIterable<UserSummaryRow> {
    const query = `SELECT id, gender, country, produced_at, ingested_at FROM ${this.table}`;
    let pageState: string | undefined;
    do {
      const page = await this.guarded((client) =>
        client.execute(query, [], {
          prepare: true,
          fetchSize: this.config.environment.DASHBOARD_SCAN_PAGE_SIZE,
          ...(pageState !== undefined ? { pageState } : {}),
        }),
      );
      for (const row of page.rows) {
        yield {
          id: String(row.get("id")),
          gender: text(row, "gender"),
          country: text(row, "country"),
          producedAt: timestamp(row, "produced_at"),
          ingestedAt: timestamp(row, "ingested_at"),
        };
      }
      pageState = page.pageState ?? undefined;
    } while (pageState !== undefined);
  }

  async getUsers(ids: readonly string[]): Promise<UserDetails[]> {
    if (ids.length === 0) return [];
    const result = await this.guarded((client) =>
      client.execute(`SELECT ${detailColumns} FROM ${this.table} WHERE id IN ?`, [[...ids]], { prepare: true }),
    );
    return result.rows.map((row) => ({
      id: String(row.get("id")),
      firstName: text(row, "first_name"),
      lastName: text(row, "last_name"),
      gender: text(row, "gender"),
      country: text(row, "country"),
      email: text(row, "email"),
      username: text(row, "username"),
      address: text(row, "address"),
      registeredDate: text(row, "registered_date"),
      producedAt: timestamp(row, "produced_at")?.toISOString() ?? null,
      ingestedAt: timestamp(row, "ingested_at")?.toISOString() ?? null,
    }));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.shutdown();
  }
}
