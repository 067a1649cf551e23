// The session worker: data, the stepped EM run, fits and model selection (see session/session.ts).
import { expose } from 'comlink';
import { PLUGINS } from '../models.js';
import { Session } from '../session/session.js';

expose(new Session(PLUGINS));
