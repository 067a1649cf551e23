export type { WorkerPool, EStepTask, EStepTaskResult, EStepBatchTask, EStepBatchResult, RestartTask, RestartTaskResult, InitTask, RestartProgressHandlers, DataHandle, PluginLocation, RestartDriverOptions } from './protocol.js';
export { fitWithPool, type RunnerOptions, type PoolFactory } from './fit.js';
export { pooledExecutor, shardRuns, type PooledExecutor } from './pooled-executor.js';
export { shareDataset, allocateSharedValues, sharedMemoryAvailable, copyShard, externalHandle } from './share.js';
export { WorkerError } from './errors.js';
export { eStepShard, eStepBatch, restartOnWorker, initOnWorker, loadPlugin, datasetFromHandle } from './handlers.js';
