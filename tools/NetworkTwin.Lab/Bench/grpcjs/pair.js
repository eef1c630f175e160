// Reference figures for `networktwin bench rpc`: a grpc-js client calling a grpc-js server on
// loopback, the same Ping as the C# pair. Prints one JSON line.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const protoPath = process.argv[2];
const seconds = Number(process.argv[3] || 5);
const inflight = Number(process.argv[4] || 32);
const definition = loader.loadSync(protoPath, { keepCase: false, defaults: true });
const Diagnostics = grpc.loadPackageDefinition(definition).networktwin.diagnostics.Diagnostics;

function percentile(sorted, q) { return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]; }

async function run(client, parallel) {
  const latencies = [];
  const end = process.hrtime.bigint() + BigInt(seconds * 1e9);
  const payload = Buffer.alloc(64);
  async function worker() {
    while (process.hrtime.bigint() < end) {
      const t0 = process.hrtime.bigint();
      await new Promise((resolve, reject) => client.Ping({ payload }, (e) => (e ? reject(e) : resolve())));
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

const server = new grpc.Server();
server.addService(Diagnostics.service, {
  Ping: (call, cb) => cb(null, { payload: call.request.payload, serverTimeUnixNanos: Date.now() * 1e6 }),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), async (err, port) => {
  if (err) { console.error(err); process.exit(1); }
  const client = new Diagnostics(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await run(client, 1); // warm-up
  const sequential = await run(client, 1);
  const parallel = await run(client, inflight);
  console.log(JSON.stringify({ sequential, parallel }));
  client.close();
  server.forceShutdown();
});
