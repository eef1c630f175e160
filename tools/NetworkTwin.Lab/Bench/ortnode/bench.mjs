// Per-call latency of one model through onnxruntime-node, for `networktwin bench onnx`.
// Usage: node bench.mjs MODEL.onnx FEATURES ITERATIONS  -> one JSON line {p50_us, p99_us, ...}
import * as ort from 'onnxruntime-node';

const [model, featureCount, iterations] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
const features = new Float32Array(featureCount);
for (let i = 0; i < featureCount; i++) features[i] = ((i % 7) - 3) / 10;
const feeds = {
  features: new ort.Tensor('float32', features, [1, featureCount]),
  level: new ort.Tensor('float32', new Float32Array([Math.log(400)]), [1, 1]),
};
let sink = 0;
for (let i = 0; i < 2000; i++) sink += (await session.run(feeds)).median.data[0];
const samples = new Float64Array(iterations);
for (let i = 0; i < iterations; i++) {
  const start = process.hrtime.bigint();
  const out = await session.run(feeds);
  samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  sink += out.median.data[0];
}
samples.sort();
const at = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
console.log(JSON.stringify({ p50_us: at(0.5), p99_us: at(0.99), p999_us: at(0.999), max_us: samples[samples.length - 1], median_output: sink / (iterations + 2000), version: ort.env.versions.node ?? 'unknown' }));
