import { removeSynthRunCache } from "./synth-run-cache";

export default function globalTeardown(): void {
  removeSynthRunCache();
}
