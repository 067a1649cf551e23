// One mixture-helper case in its own process, for bench/mixture.mjs.
// usage: node mixture-case.mjs <checkout root> <plugin> <json options> <rows> <cols> <repetitions>
// Times one E-step over all rows (one shard, in-process) and scoreSamples, each `repetitions`
// times (CPU milliseconds), on data made here from a fixed-seed generator (the same bits whichever checkout runs it),
// at parameters after two EM iterations from seed 1. Prints the median milliseconds of each.
const [root, pluginName, optionsJson, rowsArg, colsArg, repsArg] = process.argv.slice(2);
const N = Number(rowsArg);
const D = Number(colsArg);
const reps = Number(repsArg);
const core = await import(`${root}/packages/core/dist/index.js`);
const plugin = pluginName === 'gmm' ? (await import(`${root}/packages/gmm/dist/index.js`)).gmmPlugin : (await import(`${root}/packages/bernoulli/dist/index.js`)).bernoulliPlugin;

// xorshift32: data independent of the library under test.
let state = 2463534242;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const values = new Float64Array(N * D);
const centres = Array.from({ length: 6 }, () => Array.from({ length: D }, () => next()));
for (let i = 0; i < N; i++) {
  const c = centres[i % 6];
  for (let j = 0; j < D; j++) {
    const u = next();
    values[i * D + j] = pluginName === 'gmm' ? 4 * c[j] + (u + next() + next() - 1.5) : u < 0.15 + 0.7 * c[j] ? 1 : 0;
  }
}
const data = core.createDataset(values, N, D);
const options = plugin.parseOptions(JSON.parse(optionsJson));
const { params } = await core.fit(plugin, data, options, { maxIter: 2, tol: 0, seed: 1, restarts: 1 });

function median(f) {
  const times = [];
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    // CPU time of this thread rather than wall time: a machine shared with other work disturbs it less.
    const t0 = process.cpuUsage();
    sink += f();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], sink };
}
const eStep = median(() => plugin.eStep(params, data, { start: 0, end: N }, plugin.createStats(params)));
const score = median(() => plugin.scoreSamples(params, data)[N - 1]);
console.log(JSON.stringify({ eStepMs: eStep.ms, scoreSamplesMs: score.ms, check: eStep.sink + score.sink }));
