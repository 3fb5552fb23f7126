import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread that runs `exportName(parentPort, workerData)` of the module `moduleName`
 * in `moduleDir` (the SQLite event store's writer, the read store's checkpointer).
 *
 * The Worker runs a small inline bootstrap (`eval: true`) that requires that module with this
 * module's own extension:
 * - compiled (dist/, production): `<moduleName>.js`, plain `require`;
 * - under jest (tests import src/*.ts through @swc/jest): `<moduleName>.ts`. Worker threads do not
 *   go through jest's transform, so the bootstrap registers a `.ts` require hook that compiles
 *   with @swc/core (a dev dependency, resolved from the module's directory, never loaded in
 *   production) using the same options as jest.config.js.
 * No extra build step or copied file is needed, and tests always run the current source.
 */
const BOOTSTRAP = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) {
  const fs = require('node:fs');
  const Module = require('node:module');
  const swc = Module.createRequire(workerData.entry)('@swc/core');
  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      swcrc: false,
      configFile: false,
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}
require(workerData.entry)[workerData.exportName](parentPort, workerData);
`;

/** What every module worker gets besides its own data. */
export interface ModuleWorkerData {
  /** Absolute path of the module the thread runs (.js, or .ts under jest). */
  entry: string;
  exportName: string;
}

/**
 * The worker is returned with `onMessage` listening and unref'd: it does not keep the process
 * alive until its owner calls ref() (while it waits for an answer, or closes it). The unref comes
 * after the listener because adding a 'message' listener refs the worker's port again: a worker
 * unref'd first kept an idle process from exiting.
 */
export function startModuleWorker<D extends object, M>(moduleDir: string, moduleName: string, exportName: string, data: D, onMessage: (message: M) => void): Worker {
  const entry = path.join(moduleDir, `${moduleName}${path.extname(__filename)}`);
  const workerData: D & ModuleWorkerData = { ...data, entry, exportName };
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData });
  worker.on('message', onMessage);
  worker.unref();
  return worker;
}
