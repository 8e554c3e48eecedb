/** What a fault scenario measures: table ids, a slice of the topic, dead letters, the dashboard, checkpoint commits. */
import { cassandraClient } from "../cassandra";
import { readTopic, topicEndOffsets, type TopicRecord } from "../kafka";
import { sleep } from "../processes";
import { keyspace, table } from "../stack";

/** Every id in the table (paged). */
export async function tableIds(): Promise<string[]> {
  const client = cassandraClient(keyspace);
  await client.connect();
  try {
    const ids: string[] = [];
    let pageState: string | undefined;
    do {
      const result = await client.execute(`SELECT id FROM ${table}`, [], { prepare: true, fetchSize: 5000, pageState });
      for (const row of result.rows) ids.push(String(row.get("id")));
      pageState = result.pageState ?? undefined;
    } while (pageState !== undefined);
    return ids;
  } finally {
    await client.shutdown();
  }
}

/** The records a scenario added to a topic: offsets from `from` (end offsets taken before it began) onwards. */
export async function topicSince(
  bootstrapServers: string,
  topic: string,
  from: ReadonlyMap<number, bigint>,
): Promise<TopicRecord[]> {
  const records = await readTopic(bootstrapServers, topic, 120_000);
  return records.filter((record) => BigInt(record.offset) >= (from.get(record.partition) ?? 0n));
}

export { topicEndOffsets };

/** The fields of a dead letter the suite checks (apps/spark-job/user_records.py to_dead_letters). */
export interface DeadLetterRecord {
  readonly key: string | undefined;
  readonly reason: string | undefined;
  readonly sourcePartition: number | undefined;
  readonly sourceOffset: number | undefined;
}

export async function deadLetterRecords(bootstrapServers: string, topic: string): Promise<DeadLetterRecord[]> {
  const records = await readTopic(bootstrapServers, topic, 120_000);
  return records.map((record) => {
    let parsed: Record<string, unknown> = {};
    try {
      const value: unknown = JSON.parse(record.value?.toString("utf8") ?? "null");
      if (typeof value === "object" && value !== null) parsed = value as Record<string, unknown>;
    } catch {
      // Not JSON: reported as a dead letter without source position.
    }
    return {
      key: record.key,
      reason: typeof parsed.reason === "string" ? parsed.reason : undefined,
      sourcePartition: typeof parsed.partition === "number" ? parsed.partition : undefined,
      sourceOffset: typeof parsed.offset === "number" ? parsed.offset : undefined,
    };
  });
}

/** One poll of the dashboard during a fault: the HTTP status of the page and of /api/status, and its state. */
export interface DashboardSample {
  readonly at: number;
  readonly pageStatus: number | string;
  readonly apiStatus: number | string;
  readonly state: string | undefined;
}

async function statusOf(url: string): Promise<{ code: number | string; body: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { code: response.status, body: await response.text() };
  } catch (error) {
    return { code: error instanceof Error ? error.name : "error", body: "" };
  }
}

/** Polls the dashboard once a second until stop() (bounded by maxMs), recording what a user would see. */
export class DashboardWatch {
  readonly samples: DashboardSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly url: string,
    maxMs: number,
  ) {
    const deadline = Date.now() + maxMs;
    this.loop = (async () => {
      while (this.running && Date.now() < deadline) {
        const [page, api] = await Promise.all([statusOf(`${this.url}/`), statusOf(`${this.url}/api/status`)]);
        let state: string | undefined;
        try {
          const parsed = JSON.parse(api.body) as { status?: unknown };
          state = typeof parsed.status === "string" ? parsed.status : undefined;
        } catch {
          state = undefined;
        }
        this.samples.push({ at: Date.now(), pageStatus: page.code, apiStatus: api.code, state });
        await sleep(1000);
      }
    })();
  }

  async stop(): Promise<DashboardSample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}

/** The dashboard's total (GET /api/total), or undefined when it does not answer with one. */
export async function dashboardTotal(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/api/total`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { totalUsers?: unknown };
    return typeof body.totalUsers === "number" ? body.totalUsers : undefined;
  } catch {
    return undefined;
  }
}
