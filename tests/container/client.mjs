// Client of the container test (tests/container/run): drives the gateway in the container with
// the official openai SDK from tests/e2e/node_modules, checks the responses and the
// x-pointsman-* headers, and exits 1 with a message on the first failed check.
//
// Usage:
//   node client.mjs basic BASE_URL                  non-streamed and streamed requests to `fast`
//   node client.mjs route BASE_URL ROUTE DEPLOYMENT one request, served by DEPLOYMENT
//   node client.mjs missing BASE_URL ROUTE          a request to ROUTE returns 404
//   node client.mjs slow BASE_URL                   a stream of about 3 s; prints "first chunk"
//                                                   when the first content arrives

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The SDK is installed once for the end-to-end tests (scripts/setup), not a second time here.
const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../e2e');
const require = createRequire(path.join(e2eDir, 'package.json'));
const { default: OpenAI } = await import(require.resolve('openai'));

const requestTimeoutMs = 20_000;
const question = [{ role: 'user', content: 'Name three railway signals.' }];

function makeClient(baseURL) {
  return new OpenAI({
    baseURL,
    apiKey: 'client-key-not-checked', // the test config has auth: none, but the SDK requires a key
    maxRetries: 0,
    timeout: requestTimeoutMs,
  });
}

function checkRoutingHeaders(response, route, deployment) {
  assert.equal(response.headers.get('x-pointsman-route'), route, 'x-pointsman-route');
  assert.equal(response.headers.get('x-pointsman-deployment'), deployment, 'x-pointsman-deployment');
  assert.equal(response.headers.get('x-pointsman-attempts'), '1', 'x-pointsman-attempts');
  assert.ok(response.headers.get('x-request-id'), 'x-request-id is missing');
}

/** Reads a chat completion stream and returns its content, chunk count and finish reason. */
async function readStream(stream, onFirstContent = () => {}) {
  let text = '';
  let chunkCount = 0;
  let finishReason = null;
  for await (const chunk of stream) {
    chunkCount += 1;
    for (const choice of chunk.choices) {
      const content = choice.delta?.content ?? '';
      if (content !== '' && text === '') onFirstContent();
      text += content;
      finishReason = choice.finish_reason ?? finishReason;
    }
  }
  return { text, chunkCount, finishReason };
}

async function basic(baseURL) {
  const client = makeClient(baseURL);

  const { data, response } = await client.chat.completions
    .create({ model: 'fast', messages: question, max_tokens: 12 })
    .withResponse();
  assert.equal(response.status, 200);
  checkRoutingHeaders(response, 'fast', 'sim-mini');
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, 'sim-mini');
  assert.ok(data.choices[0].message.content.length > 0, 'the answer is empty');
  assert.equal(data.usage.completion_tokens, 12);

  const { data: stream, response: streamResponse } = await client.chat.completions
    .create({ model: 'fast', messages: question, max_tokens: 12, stream: true })
    .withResponse();
  checkRoutingHeaders(streamResponse, 'fast', 'sim-mini');
  assert.match(streamResponse.headers.get('content-type'), /^text\/event-stream/);
  const streamed = await readStream(stream);
  // The simulator's text depends only on the model and the length, so both texts must match.
  assert.equal(streamed.text, data.choices[0].message.content, 'streamed and non-streamed answers differ');
  assert.equal(streamed.finishReason, 'length');
  console.log(`basic: non-streamed and streamed texts match (${streamed.chunkCount} chunks)`);
}

async function route(baseURL, routeName, deployment) {
  const { data, response } = await makeClient(baseURL)
    .chat.completions.create({ model: routeName, messages: question, max_tokens: 4 })
    .withResponse();
  checkRoutingHeaders(response, routeName, deployment);
  assert.equal(data.model, deployment);
  console.log(`route: ${routeName} served by ${deployment}`);
}

async function missing(baseURL, routeName) {
  try {
    await makeClient(baseURL).chat.completions.create({ model: routeName, messages: question });
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, `unexpected error: ${error}`);
    assert.equal(error.status, 404, `status of a request to the unknown route ${routeName}`);
    assert.equal(error.code, 'model_not_found');
    console.log(`missing: ${routeName} returns 404 model_not_found`);
    return;
  }
  assert.fail(`the route ${routeName} answered, but it is not in the config yet`);
}

async function slow(baseURL) {
  // 300 ms to the first token, then 30 tokens at 10 per second: about 3.2 s in all.
  const answerTokens = 30;
  const started = Date.now();
  const stream = await makeClient(baseURL).chat.completions.create(
    { model: 'fast', messages: question, max_tokens: answerTokens, stream: true },
    { headers: { 'x-sim-ttft-ms': '300', 'x-sim-tokens-per-second': '10' } },
  );
  const result = await readStream(stream, () => console.log('first chunk'));
  const elapsedMs = Date.now() - started;
  assert.equal(result.finishReason, 'length', 'the stream ended before its last token');
  assert.ok(elapsedMs >= 2_500, `the stream took ${elapsedMs} ms; the simulator headers were not forwarded`);
  console.log(`slow: ${answerTokens}-token stream completed in ${elapsedMs} ms`);
}

const [command, ...args] = process.argv.slice(2);
const commands = { basic, route, missing, slow };
if (!(command in commands)) {
  console.error(`client.mjs: unknown command "${command}"; use one of ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
try {
  await commands[command](...args);
} catch (error) {
  console.error(`client.mjs ${command}: ${error.stack ?? error}`);
  process.exit(1);
}
