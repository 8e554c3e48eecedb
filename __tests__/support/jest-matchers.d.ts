// cdktf's jest matchers (registered by setup-jest.ts) declare themselves in this file.
/// <reference path="../../node_modules/cdktf/lib/testing/adapters/jest.d.ts" />
