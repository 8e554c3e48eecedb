// cdktf's jest matchers (registered by setup-jest.ts) declare themselves in this file.
import "cdktf/lib/testing/adapters/jest";
