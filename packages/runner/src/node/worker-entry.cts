/*
 * Piscina's task module, in CommonJS. Piscina loads its task file with require() first, and on
 * Node 20.19+ require() of an ES module loads it synchronously (require(esm)); when an import()
 * of a module in the same graph is still in flight on that thread — a plugin's import by an
 * earlier task — V8 aborts the whole process ("FATAL ERROR: v8::Module::IsGraphAsync must be
 * used on an instantiated module", nodejs/node#55782). This file has no ES module to load
 * synchronously: each handler loads worker.js by import(), once, so every ES module on a worker
 * thread comes through the one asynchronous loader.
 */
const load = () => import('./worker.js');
let loaded: ReturnType<typeof load> | undefined;
const handlers = () => (loaded ??= load());

type Handlers = Awaited<ReturnType<typeof load>>;

async function eStep(task: Parameters<Handlers['eStep']>[0]) {
  return (await handlers()).eStep(task);
}

async function batch(task: Parameters<Handlers['batch']>[0]) {
  return (await handlers()).batch(task);
}

async function restart(message: Parameters<Handlers['restart']>[0]) {
  return (await handlers()).restart(message);
}

async function init(message: Parameters<Handlers['init']>[0]) {
  return (await handlers()).init(message);
}

export = { eStep, batch, restart, init };
