// grpc-js server with the same echo semantics as the C# EchoServer. Prints "PORT <n>", then
// "CANCELLED <method>" whenever a call is cancelled by the client or its deadline.
const { grpc, service } = require('./proto');

function fail(call, req) {
  if (req.failCode) {
    call.emit('error', { code: req.failCode, details: `asked to fail: ${req.text}` });
    return true;
  }
  return false;
}

// grpc-js also emits 'cancelled' when a finished call is torn down: report only calls cut short.
function watch(call, name) {
  call.finished = false;
  call.on('cancelled', () => { if (!call.finished) console.log(`CANCELLED ${name}`); });
}

const impl = {
  Unary: (call, callback) => {
    watch(call, 'Unary');
    const req = call.request;
    setTimeout(() => {
      if (call.cancelled) return;
      call.finished = true;
      if (req.failCode) return callback({ code: req.failCode, details: `asked to fail: ${req.text}` });
      const trailer = new grpc.Metadata();
      const tenant = call.metadata.get('x-tenant');
      if (tenant.length) trailer.set('x-tenant-seen', String(tenant[0]));
      callback(null, { text: req.text }, trailer);
    }, req.delayMs || 0);
  },
  ServerStream: (call) => {
    watch(call, 'ServerStream');
    const req = call.request;
    let i = 0;
    const next = () => {
      if (call.cancelled) return;
      if (i < req.repeat) {
        call.write({ text: req.text, index: i++ });
        setTimeout(next, req.delayMs || 0);
      } else {
        call.finished = true;
        if (!fail(call, req)) call.end();
      }
    };
    next();
  },
  ClientStream: (call, callback) => {
    watch(call, 'ClientStream');
    const texts = [];
    call.on('data', (r) => texts.push(r.text));
    call.on('end', () => { call.finished = true; callback(null, { text: texts.join('+'), index: texts.length }); });
  },
  Duplex: (call) => {
    watch(call, 'Duplex');
    let i = 0;
    call.on('data', (r) => call.write({ text: r.text.toUpperCase(), index: i++ }));
    call.on('end', () => { call.finished = true; call.end(); });
  },
};

const server = new grpc.Server();
server.addService(service, impl);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) { console.error(err); process.exit(1); }
  console.log(`PORT ${port}`);
});
