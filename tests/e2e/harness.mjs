// Starts the simulator and the gateway for the end-to-end tests, each on a free loopback port,
// and stops both again. Their stdout and stderr go to $POINTSMAN_TEST_LOG_DIR/e2e-*.log, which
// scripts/check-log-secrets scans for the canary keys afterwards.
//
// Environment: POINTSMAN_BINARY and POINTSMAN_SIM_BINARY override the binaries (default
// build/pointsman and build/pointsman-sim), POINTSMAN_TEST_LOG_DIR the log directory (default
// build/test-logs).

import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const gatewayBinary = process.env.POINTSMAN_BINARY ?? path.join(projectRoot, 'build/pointsman');
const simBinary = process.env.POINTSMAN_SIM_BINARY ?? path.join(projectRoot, 'build/pointsman-sim');
const logDir = process.env.POINTSMAN_TEST_LOG_DIR ?? path.join(projectRoot, 'build/test-logs');
const gatewayConfig = path.join(projectRoot, 'tests/e2e/gateway.yaml');

const startTimeoutMs = 20_000;
const stopGraceMs = 5_000;
const pollIntervalMs = 50;

/** Canary provider keys, one per non-comment line of tests/canary-keys.txt. */
export function readCanaryKeys() {
  return readFileSync(path.join(projectRoot, 'tests/canary-keys.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Returns a loopback port that nothing listens on: bound to port 0, then closed again. */
// NOTE: another process may take the port between the close and its use. That is rare on a
// test machine, and the failover test would then see a first attempt that is not refused.
export async function findClosedPort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A child process whose stdout and stderr are copied to a log file. `output` keeps what it
 * printed so far, for waiting on a line and for error messages.
 */
class LoggedProcess {
  constructor(name, binary, args, env) {
    this.name = name;
    this.logPath = path.join(logDir, `e2e-${name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    this.log.write(`# ${binary} ${args.join(' ')}\n`);
    this.output = '';
    this.exitStatus = null;

    this.child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitStatus = signal ?? code;
        resolve(this.exitStatus);
      });
    });
    // A missing binary reports through 'error' and never emits 'exit'.
    this.child.on('error', (error) => {
      this.exitStatus = `spawn failed: ${error.message}`;
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.on('data', (chunk) => {
        this.output += chunk.toString();
        this.log.write(chunk);
      });
    }
  }

  isRunning() {
    return this.exitStatus === null;
  }

  /** Text for an error message: the exit status and the last lines of output. */
  describe() {
    const tail = this.output.split('\n').slice(-20).join('\n');
    let state = 'still running';
    if (typeof this.exitStatus === 'string' && this.exitStatus.startsWith('spawn failed')) {
      state = this.exitStatus;
    } else if (!this.isRunning()) {
      state = `exited with ${this.exitStatus}`;
    }
    return `${this.name} (${state}, full log ${this.logPath}); last output:\n${tail}`;
  }

  /** Sends SIGTERM, then SIGKILL if the process has not exited after the grace period. */
  async stop() {
    if (this.isRunning() && this.child.pid !== undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), stopGraceMs);
      await this.exited;
      clearTimeout(timer);
      this.log.write(`# exited with ${this.exitStatus}\n`);
    }
    await new Promise((resolve) => this.log.end(resolve));
  }
}

/** Calls `probe` until it returns a value other than undefined, or fails after the deadline. */
async function waitFor(awaitedEvent, loggedProcess, probe) {
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (!loggedProcess.isRunning()) {
      throw new Error(`${loggedProcess.name} stopped while waiting for ${awaitedEvent}: ${loggedProcess.describe()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${startTimeoutMs} ms waiting for ${awaitedEvent}: ${loggedProcess.describe()}`);
    }
    await delay(pollIntervalMs);
  }
}

function readReadyFile(readyFile) {
  try {
    const ready = JSON.parse(readFileSync(readyFile, 'utf8'));
    return ready.public && ready.admin ? ready : undefined;
  } catch {
    return undefined; // not written yet, or only partly written
  }
}

async function isReady(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the simulator and then the gateway. Returns the URLs of both gateway listeners, the
 * canary keys, and `stop()`, which ends both processes. On a start failure it stops whatever
 * it started before throwing.
 */
export async function startStack() {
  mkdirSync(logDir, { recursive: true });
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'pointsman-e2e-'));
  const started = [];

  const stop = async () => {
    for (const loggedProcess of started.reverse()) await loggedProcess.stop();
    rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    const sim = new LoggedProcess('sim', simBinary, ['--listen', '127.0.0.1:0'], process.env);
    started.push(sim);
    const simAddress = await waitFor('the simulator to listen', sim, () => {
      const match = /listening on (\S+):(\d+)/.exec(sim.output);
      return match ? `${match[1]}:${match[2]}` : undefined;
    });

    const canaryKeys = readCanaryKeys();
    const env = {
      ...process.env,
      POINTSMAN_SIM_URL: `http://${simAddress}/v1`,
      // The Anthropic provider type appends /v1/messages itself.
      POINTSMAN_SIM_ROOT: `http://${simAddress}`,
      POINTSMAN_DEAD_URL: `http://127.0.0.1:${await findClosedPort()}/v1`,
    };
    canaryKeys.forEach((key, index) => {
      env[`POINTSMAN_CANARY_KEY_${index + 1}`] = key;
    });

    const readyFile = path.join(tempDir, 'ready.json');
    const gateway = new LoggedProcess(
      'gateway',
      gatewayBinary,
      ['serve', '--config', gatewayConfig, '--listen', '127.0.0.1:0',
        '--admin-listen', '127.0.0.1:0', '--ready-file', readyFile],
      env,
    );
    started.push(gateway);
    const ready = await waitFor('the gateway ready file', gateway, () => readReadyFile(readyFile));
    const baseURL = `http://${ready.public}/v1`;
    const adminURL = `http://${ready.admin}`;
    await waitFor('GET /readyz to return 200', gateway, () => isReady(`http://${ready.public}/readyz`));

    return {
      baseURL, adminURL, simURL: env.POINTSMAN_SIM_URL, simRoot: env.POINTSMAN_SIM_ROOT, canaryKeys, stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
