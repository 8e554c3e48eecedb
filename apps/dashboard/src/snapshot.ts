import type { UserDetails, UserRepository, UserSummaryRow } from "./repository";

export interface CountByKey {
  key: string;
  count: number;
}

export interface MinuteCount {
  /** Start of the minute, ISO 8601 UTC. */
  minute: string;
  count: number;
}

export interface Aggregates {
  totalUsers: number;
  /** Oldest first, one entry per minute of the window ending with the current minute (zeros included). */
  ingestPerMinute: MinuteCount[];
  byGender: CountByKey[];
  byCountry: CountByKey[];
  /** Mean of ingested_at − produced_at over rows ingested in the last minute, or null when there are none. */
  averageLatencyMs: number | null;
  /** Ids of the most recently ingested rows, newest first. */
  latestIds: string[];
}

export interface DashboardSnapshot extends Omit<Aggregates, "latestIds"> {
  status: "ok" | "degraded";
  /** Why the data is missing or stale; present only when degraded. */
  reason?: string;
  /** When the numbers were read from the store (null if never). */
  generatedAt: string | null;
  /** True when serving the last good numbers because the store is unavailable. */
  stale: boolean;
  latestUsers: UserDetails[];
}

export interface AggregateOptions {
  now: Date;
  ingestMinutes: number;
  latestLimit: number;
}

const minuteMs = 60_000;
const unknownKey = "unknown";

function sortedCounts(counts: Map<string, number>): CountByKey[] {
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((left, right) => right.count - left.count || left.key.localeCompare(right.key));
}

function increment(counts: Map<string, number>, key: string | null): void {
  const normalized = key === null || key.trim() === "" ? unknownKey : key;
  counts.set(normalized, (counts.get(normalized) ?? 0) + 1);
}

/**
 * One pass over the rows, in memory proportional to the window and the breakdown keys,
 * not to the table: the latest rows are kept in a small sorted buffer.
 */
export async function aggregateUsers(
  rows: AsyncIterable<UserSummaryRow> | Iterable<UserSummaryRow>,
  options: AggregateOptions,
): Promise<Aggregates> {
  const currentMinuteStart = Math.floor(options.now.getTime() / minuteMs) * minuteMs;
  const windowStart = currentMinuteStart - (options.ingestMinutes - 1) * minuteMs;
  const perMinute = new Array<number>(options.ingestMinutes).fill(0);
  const genders = new Map<string, number>();
  const countries = new Map<string, number>();
  let totalUsers = 0;
  let latencySum = 0;
  let latencyCount = 0;
  const latest: Array<{ id: string; at: number }> = [];

  for await (const row of rows) {
    totalUsers++;
    increment(genders, row.gender);
    increment(countries, row.country);
    if (row.ingestedAt === null) continue;
    const ingestedMs = row.ingestedAt.getTime();
    if (ingestedMs >= windowStart && ingestedMs < currentMinuteStart + minuteMs) {
      const bucket = Math.floor((ingestedMs - windowStart) / minuteMs);
      perMinute[bucket] = (perMinute[bucket] ?? 0) + 1;
    }
    if (row.producedAt !== null && ingestedMs >= options.now.getTime() - minuteMs) {
      latencySum += ingestedMs - row.producedAt.getTime();
      latencyCount++;
    }
    const oldestKept = latest[latest.length - 1];
    if (latest.length < options.latestLimit || (oldestKept !== undefined && ingestedMs > oldestKept.at)) {
      const position = latest.findIndex((entry) => entry.at < ingestedMs);
      latest.splice(position === -1 ? latest.length : position, 0, { id: row.id, at: ingestedMs });
      if (latest.length > options.latestLimit) latest.pop();
    }
  }

  return {
    totalUsers,
    ingestPerMinute: perMinute.map((count, index) => ({
      minute: new Date(windowStart + index * minuteMs).toISOString(),
      count,
    })),
    byGender: sortedCounts(genders),
    byCountry: sortedCounts(countries),
    averageLatencyMs: latencyCount === 0 ? null : Math.round(latencySum / latencyCount),
    latestIds: latest.map((entry) => entry.id),
  };
}

export function emptySnapshot(
  options: Pick<AggregateOptions, "now" | "ingestMinutes">,
  reason: string,
): DashboardSnapshot {
  return {
    status: "degraded",
    reason,
    generatedAt: null,
    stale: false,
    totalUsers: 0,
    ingestPerMinute: Array.from({ length: options.ingestMinutes }, (_, index) => ({
      minute: new Date(
        (Math.floor(options.now.getTime() / minuteMs) - options.ingestMinutes + 1 + index) * minuteMs,
      ).toISOString(),
      count: 0,
    })),
    byGender: [],
    byCountry: [],
    averageLatencyMs: null,
    latestUsers: [],
  };
}

export interface SnapshotServiceOptions {
  /** How long a snapshot is reused; aggregations are full scans, so this bounds the load on Cassandra. */
  cacheMs: number;
  ingestMinutes: number;
  latestLimit: number;
  /**
   * A request waits at most this long for a refresh: past it, the last numbers are served flagged `degraded` + `stale`
   * while the refresh goes on (a paused or partitioned store makes the driver wait its full read timeout).
   * @default 2000
   */
  answerWithinMs?: number;
  clock?: () => Date;
  log?: (line: string) => void;
}

/**
 * Caches the aggregate snapshot for `cacheMs` and makes concurrent callers share one scan.
 * When the store fails, the last good numbers are served flagged `degraded` + `stale`,
 * and the next refresh after the cache period tries again, so recovery is automatic.
 */
export class SnapshotService {
  private cached: { snapshot: DashboardSnapshot; at: number } | undefined;
  private lastGood: DashboardSnapshot | undefined;
  private refreshing: Promise<DashboardSnapshot> | undefined;
  private readonly clock: () => Date;

  constructor(
    private readonly repository: UserRepository,
    private readonly options: SnapshotServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async getSnapshot(): Promise<DashboardSnapshot> {
    const now = this.clock().getTime();
    if (this.cached !== undefined && now - this.cached.at < this.options.cacheMs) return this.cached.snapshot;
    if (this.refreshing === undefined) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = undefined;
      });
    }
    const answerWithinMs = this.options.answerWithinMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<DashboardSnapshot>((resolve) => {
      timer = setTimeout(() => resolve(this.unansweredSnapshot(answerWithinMs)), answerWithinMs);
    });
    try {
      return await Promise.race([this.refreshing, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What a request gets while the store has not answered: the last numbers (or none), flagged degraded and stale. */
  private unansweredSnapshot(waitedMs: number): DashboardSnapshot {
    const reason = `${this.repository.describe()} has not answered within ${waitedMs} ms`;
    const previous = this.lastGood;
    return previous !== undefined
      ? { ...previous, status: "degraded", reason, stale: true }
      : emptySnapshot({ now: this.clock(), ingestMinutes: this.options.ingestMinutes }, reason);
  }

  private async refresh(): Promise<DashboardSnapshot> {
    const now = this.clock();
    let snapshot: DashboardSnapshot;
    try {
      const { latestIds, ...aggregates } = await aggregateUsers(this.repository.scanSummaries(), {
        now,
        ingestMinutes: this.options.ingestMinutes,
        latestLimit: this.options.latestLimit,
      });
      const details = await this.repository.getUsers(latestIds);
      const byId = new Map(details.map((user) => [user.id, user]));
      const latestUsers = latestIds.flatMap((id) => {
        const user = byId.get(id);
        return user === undefined ? [] : [user];
      });
      snapshot = { status: "ok", generatedAt: now.toISOString(), stale: false, ...aggregates, latestUsers };
      if (this.cached?.snapshot.status === "degraded")
        this.options.log?.(`recovered: reading ${this.repository.describe()} again`);
      this.lastGood = snapshot;
    } catch (error) {
      const reason = `cannot read ${this.repository.describe()}: ${error instanceof Error ? error.message : String(error)}`;
      if (this.cached?.snapshot.reason !== reason) this.options.log?.(`degraded: ${reason}`);
      snapshot =
        this.lastGood !== undefined
          ? { ...this.lastGood, status: "degraded", reason, stale: true }
          : emptySnapshot({ now, ingestMinutes: this.options.ingestMinutes }, reason);
    }
    this.cached = { snapshot, at: this.clock().getTime() };
    return snapshot;
  }
}
