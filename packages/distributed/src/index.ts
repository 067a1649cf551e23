export { fitDistributed, type DistributedFitOptions, type DistributedFitResult } from './coordinator.js';
export { startShardWorker, type ShardWorker, type ShardWorkerOptions, type WorkerEvent } from './worker.js';
export { parseRedisUrl, checkRedis, RedisUnavailableError, type RedisTarget } from './connection.js';
export { shareDataFile, fileSha256, type SharedDataFile } from './data-file.js';
export { PROTOCOL_VERSION, shardJobSchema, encodeShardResult, decodeShardResult, shardIndexSchema, type DataReference, type ShardJob } from './protocol.js';
