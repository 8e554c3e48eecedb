import { App } from "cdktf";
import { ConfigError, loadConfigFromEnvironment } from "./config/load";
import { StreamstackStack } from "./stacks/streamstack-stack";

// Validate everything before the App exists, so a bad config leaves no cdktf.out behind.
function main(): void {
  let config;
  try {
    config = loadConfigFromEnvironment(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = new App();
  const stack = new StreamstackStack(app, config);
  for (const [component, reason] of stack.components.skipped) {
    process.stderr.write(`note: ${component} is skipped: it ${reason}\n`);
  }
  app.synth();
}

main();
