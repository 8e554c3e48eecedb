import type * as BundleModule from "../../apps/bundle";
import { sharedSynth } from "./synth-run-cache";

// Every test file that synthesizes a stack bundled the four apps again (esbuild, minified: ~16 s of the run in 50
// builds). The sources cannot change within a run, so each app is bundled once per run, by the real bundler, and
// shared through the run's synth cache. apps/producer/test/bundle.test.ts builds with the real bundler itself: it checks
// that two builds are equal.
jest.mock("../../apps/bundle", () => {
  const actual = jest.requireActual<typeof BundleModule>("../../apps/bundle");
  const bundleApp = (app: BundleModule.AppName): BundleModule.AppBundle =>
    JSON.parse(sharedSynth(`app bundle ${app}`, () => JSON.stringify(actual.bundleApp(app)))) as BundleModule.AppBundle;
  return { ...actual, bundleApp };
});
