import { ConfigError } from "../../config/load";

/** The problems a ConfigError lists when `run` throws one; none when it returns. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
