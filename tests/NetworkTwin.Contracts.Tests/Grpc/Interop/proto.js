// Loads the echo service definition shared with the C# tests (Protos/echo.proto).
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const definition = loader.loadSync(path.join(__dirname, '..', 'Protos', 'echo.proto'), { keepCase: false, longs: Number, defaults: true });
const service = grpc.loadPackageDefinition(definition).networktwin.test.Echo.service;

module.exports = { grpc, service };
