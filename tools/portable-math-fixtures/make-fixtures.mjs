// Writes tools/fixtures/portable-math/fdlibm.json: fdlibm's log and exp (e_log.c, e_exp.c) at
// about 3000 arguments each, as the bits of each argument and result (16 hex digits). The reference is
// Math.log and Math.exp of Node 20 (V8 11.3), which are fdlibm's; the script refuses another V8,
// whose Math.log and Math.exp may be other algorithms (Chromium 156's are).
//   node tools/portable-math-fixtures/make-fixtures.mjs
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const v8 = process.versions.v8;
if (!v8.startsWith('11.3.')) throw new Error(`V8 ${v8}: run under Node 20 (V8 11.3), whose Math.log and Math.exp are fdlibm's`);
const out = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/portable-math/fdlibm.json');

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const hex = (x) => {
  f64[0] = x;
  return u64[0].toString(16).padStart(16, '0');
};
// xorshift64: arguments independent of the code under test.
let state = 0x9e3779b97f4a7c15n;
const next = () => {
  state ^= (state << 13n) & 0xffffffffffffffffn;
  state ^= state >> 7n;
  state ^= (state << 17n) & 0xffffffffffffffffn;
  return state;
};
const uniform = () => Number(next() >> 11n) / 2 ** 53;
const special = [0, -0, 1, -1, 2, 0.5, Math.E, Infinity, -Infinity, NaN, 5e-324, 2.2250738585072014e-308, 1e-310, Number.MAX_VALUE, 709.782712893384, 709.79, -745.1332191019411, -745.2, -708.4, 2 ** -28, -(2 ** -28), 1e-20, 0.34657359027997264, 0.3465735902799727, 1.0397207708399179];
const logArgs = [...special];
const expArgs = [...special];
for (let i = 0; i < 1000; i++) {
  u64[0] = next() & 0x7fffffffffffffffn; // any positive double, subnormals included
  logArgs.push(f64[0]);
  logArgs.push(uniform() * 10);
  logArgs.push(1 + (uniform() - 0.5) * 2 ** -(10 + (i % 40)));
  expArgs.push(uniform() * 1460 - 750);
  expArgs.push((uniform() - 0.5) * 2 ** (uniform() * 70 - 60));
  expArgs.push((uniform() - 0.5) * 4);
}
const fixture = {
  reference: `Math.log and Math.exp of Node ${process.versions.node} (V8 ${v8}): fdlibm's e_log.c and e_exp.c`,
  log: logArgs.map((x) => [hex(x), hex(Math.log(x))]),
  exp: expArgs.map((x) => [hex(x), hex(Math.exp(x))]),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, `${JSON.stringify(fixture)}\n`);
renameSync(`${out}.tmp`, out);
console.log(`wrote ${out}: ${fixture.log.length} log and ${fixture.exp.length} exp cases`);
