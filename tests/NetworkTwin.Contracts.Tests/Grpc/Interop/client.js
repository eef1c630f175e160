// grpc-js client: runs every call shape against a server and prints one JSON object of results.
const { grpc, service } = require('./proto');

const address = process.argv[2];
const Client = grpc.makeGenericClientConstructor(service, 'Echo');
const client = new Client(address, grpc.credentials.createInsecure());
const gzipClient = new Client(address, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': 2 });

const unary = (c, req, opts = {}, md = new grpc.Metadata()) => new Promise((resolve) => {
  const call = c.Unary(req, md, opts, (err, res) => resolve({ err, res }));
  call.on('status', (s) => { call.trailers = s.metadata; });
});

async function main() {
  const out = {};
  let r = await unary(client, { text: 'hello' });
  out.unary = r.res && r.res.text;

  const md = new grpc.Metadata();
  md.set('x-tenant', 'site-7');
  const trailers = await new Promise((resolve) => {
    const call = client.Unary({ text: 'm' }, md, (err) => { if (err) resolve({ error: err.code }); });
    call.on('status', (s) => resolve(s.metadata.get('x-tenant-seen')));
  });
  out.trailer = trailers;

  r = await unary(gzipClient, { text: 'z'.repeat(5000) });
  out.gzip = r.res && r.res.text.length;

  out.serverStream = await new Promise((resolve) => {
    const got = [];
    const call = client.ServerStream({ text: 't', repeat: 20 });
    call.on('data', (m) => got.push(m.index));
    call.on('end', () => resolve(got));
    call.on('error', (e) => resolve({ error: e.code }));
  });

  out.clientStream = await new Promise((resolve) => {
    const call = client.ClientStream((err, res) => resolve(err ? { error: err.code } : res));
    for (const t of ['a', 'b', 'c']) call.write({ text: t });
    call.end();
  });

  out.duplex = await new Promise((resolve) => {
    const got = [];
    const call = client.Duplex();
    call.on('data', (m) => {
      got.push(m.text);
      if (got.length === 1) call.write({ text: 'second' });
      else call.end();
    });
    call.on('end', () => resolve(got));
    call.on('error', (e) => resolve({ error: e.code }));
    call.write({ text: 'first' });
  });

  r = await unary(client, { text: 'ümlaut 100%', failCode: 5 });
  out.error = { code: r.err && r.err.code, details: r.err && r.err.details };

  r = await unary(client, { text: 'slow', delayMs: 10000 }, { deadline: new Date(Date.now() + 300) });
  out.deadline = r.err && r.err.code;

  out.cancel = await new Promise((resolve) => {
    let got = 0;
    const call = client.ServerStream({ text: 'x', repeat: 1000, delayMs: 50 });
    call.on('data', () => { if (++got === 3) call.cancel(); });
    call.on('error', (e) => resolve({ code: e.code, got }));
    call.on('end', () => resolve({ code: 0, got }));
  });

  r = await new Promise((resolve) => {
    const c = new grpc.Client(address, grpc.credentials.createInsecure());
    c.makeUnaryRequest('/networktwin.test.Echo/Missing', (x) => x, (x) => x, Buffer.alloc(0), (err) => resolve(err));
  });
  out.missing = r && r.code;

  console.log(JSON.stringify(out));
  client.close();
  gzipClient.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
