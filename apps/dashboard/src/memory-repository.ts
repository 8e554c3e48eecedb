import type { UserDetails, UserRepository, UserSummaryRow } from "./repository";

/** In-memory stand-in for tests and local demos; `failWith` simulates an outage. */
export class InMemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, UserDetails>();
  private failure: string | undefined;

  add(...users: UserDetails[]): void {
    for (const user of users) this.users.set(user.id, user);
  }

  failWith(reason: string | undefined): void {
    this.failure = reason;
  }

  private ensureAvailable(): void {
    if (this.failure !== undefined) throw new Error(this.failure);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- nothing to await in memory; an async generator keeps the real scan's lazy, per-iteration failure
  async *scanSummaries(): AsyncIterable<UserSummaryRow> {
    this.ensureAvailable();
    for (const user of [...this.users.values()]) {
      yield {
        id: user.id,
        gender: user.gender,
        country: user.country,
        producedAt: user.producedAt === null ? null : new Date(user.producedAt),
        ingestedAt: user.ingestedAt === null ? null : new Date(user.ingestedAt),
      };
    }
  }

  getUsers(ids: readonly string[]): Promise<UserDetails[]> {
    // The executor's throw (an outage) becomes a rejection, as it would from an async method.
    return new Promise((resolve) => {
      this.ensureAvailable();
      resolve(
        ids.flatMap((id) => {
          const user = this.users.get(id);
          return user === undefined ? [] : [user];
        }),
      );
    });
  }

  describe(): string {
    return "in-memory repository";
  }

  async close(): Promise<void> {}
}
