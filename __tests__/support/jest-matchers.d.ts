// cdktf's jest matchers (registered by the test files that use them, with Testing.setupJest()) declare themselves here.
import "cdktf/lib/testing/adapters/jest";
