// Jest globalSetup of the e2e project: makes sure the real local environment is up before any e2e test runs.
//
// Fast path: env.json exists and everything in it answers (Temporal port, chart repo, each cluster's API) -> done.
// KSIT_ENV_REUSE=1 skips even those checks (trust env.json). Otherwise `deploy/local/env.sh up`, which starts only
// what is missing. Tests find everything through the file named by KSIT_ENV_FILE (set here; workers inherit it).
import { existsSync } from 'node:fs';

import { execa } from 'execa';

import { checkHealthy } from '../../../deploy/local/environment.js';
import { envFile, envScript, ksitHome, loadEnvironment } from './environment.js';

/** The e2e tests need two workload clusters. */
const MIN_CLUSTERS = 2;

export default async function globalSetup(): Promise<void> {
  process.env.KSIT_HOME = ksitHome();
  process.env.KSIT_ENV_FILE = envFile();
  // The tests check health every 2 s to run quickly: the CLIs they start accept that (the default minimum is 10 s).
  process.env.KSIT_MIN_HEALTH_INTERVAL ??= '1s';
  const started = Date.now();

  if (existsSync(envFile())) {
    if (process.env.KSIT_ENV_REUSE === '1') {
      console.log(`\n[e2e] KSIT_ENV_REUSE=1: using ${envFile()} as it is`);
      return;
    }
    try {
      await checkHealthy(loadEnvironment(), MIN_CLUSTERS);
      console.log(`\n[e2e] local environment already up (${envFile()}, checked in ${Date.now() - started} ms)`);
      return;
    } catch (err) {
      console.log(`\n[e2e] local environment needs (re)starting: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  console.log(`\n[e2e] starting the local environment: ${envScript} up`);
  // stdout carries the summary, stderr the progress: both straight to the terminal.
  await execa(envScript, ['up'], { stdio: 'inherit', env: { ...process.env } });
  await checkHealthy(loadEnvironment(), MIN_CLUSTERS);
  console.log(`[e2e] local environment up in ${Math.round((Date.now() - started) / 1000)} s`);
}
