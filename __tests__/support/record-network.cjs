// Preloaded (NODE_OPTIONS=--require) into every Node process of a command: appends each DNS lookup and each socket
// connection it starts to the file named by STREAMSTACK_NETWORK_LOG, so a test can assert what a command reaches for.
const { appendFileSync } = require("node:fs");
const dns = require("node:dns");
const net = require("node:net");

const log = process.env.STREAMSTACK_NETWORK_LOG;
const record = (line) => appendFileSync(log, `${line}\n`);

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  record(`lookup ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0])
    ? args[0][0]
    : typeof args[0] === "object"
      ? args[0]
      : { port: args[0], host: args[1] };
  if (options.path) record(`connect ${options.path}`);
  else if (options.port !== undefined) record(`connect ${options.host ?? "localhost"}:${options.port}`);
  return connect.apply(this, args);
};
