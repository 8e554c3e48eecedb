/** The few columns an aggregation pass needs, read for every row. */
export interface UserSummaryRow {
  id: string;
  gender: string | null;
  country: string | null;
  producedAt: Date | null;
  ingestedAt: Date | null;
}

/** What the page shows for one of the latest users. */
export interface UserDetails {
  id: string;
  firstName: string | null;
  lastName: string | null;
  gender: string | null;
  country: string | null;
  email: string | null;
  username: string | null;
  address: string | null;
  registeredDate: string | null;
  producedAt: string | null;
  ingestedAt: string | null;
}

/**
 * Data access for the dashboard. The Cassandra implementation pages through the table;
 * tests use the in-memory one. Methods throw when the store is unavailable; the snapshot
 * service turns that into `status: degraded`.
 */
export interface UserRepository {
  /** Every row's summary columns (a full scan; the table is keyed by id). */
  scanSummaries(): AsyncIterable<UserSummaryRow>;
  /** Full rows for the given ids, in any order; unknown ids are skipped. */
  getUsers(ids: readonly string[]): Promise<UserDetails[]>;
  /** Human-readable location, e.g. `spark_streams.created_users at cassandra:9042`. */
  describe(): string;
  close(): Promise<void>;
}
