// End-to-end tests: the official openai SDK (the version pinned in package.json) talks to a real
// gateway, which forwards to a real simulator. Only the base URL differs from a call to OpenAI.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';

import { startStack } from './harness.mjs';

// Time limits of one test and of one request. The harness limits the start-up on its own.
const testTimeoutMs = 30_000;
const requestTimeoutMs = 15_000;

let stack;
let client;

before(async () => {
  stack = await startStack();
  client = new OpenAI({
    baseURL: stack.baseURL,
    apiKey: 'client-key-not-checked', // auth: none, but the SDK requires some key
    maxRetries: 0,
    timeout: requestTimeoutMs,
  });
}, { timeout: 60_000 });

after(async () => {
  await stack?.stop();
}, { timeout: 30_000 });

const question = [{ role: 'user', content: 'Name three railway signals.' }];

/** Collects a chat completion stream: its chunks and the concatenated content deltas. */
async function readChatStream(stream) {
  const chunks = [];
  let text = '';
  for await (const chunk of stream) {
    chunks.push(chunk);
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
    }
  }
  return { chunks, text };
}

test('chat completion through a route', { timeout: testTimeoutMs }, async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'fast', messages: question, max_tokens: 16 })
    .withResponse();

  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, 'sim-mini');
  assert.equal(data.choices.length, 1);
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.ok(data.choices[0].message.content.length > 0, 'content is empty');
  assert.ok(data.usage, 'usage is missing');
  assert.ok(data.usage.prompt_tokens > 0);
  assert.ok(data.usage.completion_tokens > 0);
  assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);

  assert.equal(response.status, 200);
  assert.ok(response.headers.get('x-request-id'), 'x-request-id is missing');
  assert.equal(response.headers.get('x-pointsman-route'), 'fast');
  // gpt-4o-mini comes first in the route, but its provider has no key and is disabled.
  assert.equal(response.headers.get('x-pointsman-deployment'), 'sim-mini');
  assert.equal(response.headers.get('x-pointsman-attempts'), '1');
});

test('chat completion by deployment name', { timeout: testTimeoutMs }, async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'sim-large', messages: question, max_tokens: 8 })
    .withResponse();

  assert.equal(data.model, 'sim-large');
  assert.ok(data.choices[0].message.content.length > 0, 'content is empty');
  assert.equal(response.headers.get('x-pointsman-deployment'), 'sim-large');
});

test('streamed chat equals non-streamed text', { timeout: testTimeoutMs }, async () => {
  const body = { model: 'sim-mini', messages: question, max_tokens: 24 };
  const whole = await client.chat.completions.create(body);
  const stream = await client.chat.completions.create({ ...body, stream: true });
  const { chunks, text } = await readChatStream(stream);

  assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
  }
  assert.equal(text, whole.choices[0].message.content);
  const finishReasons = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason));
  assert.ok(
    finishReasons.includes('length') || finishReasons.includes('stop'),
    `no chunk carries a finish_reason: ${JSON.stringify(finishReasons)}`,
  );
});

test('streamed chat with include_usage', { timeout: testTimeoutMs }, async () => {
  const stream = await client.chat.completions.create({
    model: 'fast',
    messages: question,
    max_tokens: 12,
    stream: true,
    stream_options: { include_usage: true },
  });
  const { chunks, text } = await readChatStream(stream);

  assert.ok(text.length > 0, 'the stream carried no content');
  const usageChunks = chunks.filter((chunk) => chunk.usage);
  assert.equal(usageChunks.length, 1, 'expected exactly one chunk with usage');
  const last = chunks.at(-1);
  assert.equal(last, usageChunks[0], 'the usage chunk is not the last chunk');
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.prompt_tokens > 0);
  assert.ok(last.usage.completion_tokens > 0);
});

test('streamed chat without include_usage', { timeout: testTimeoutMs }, async () => {
  const stream = await client.chat.completions.create({
    model: 'fast',
    messages: question,
    max_tokens: 12,
    stream: true,
  });
  const { chunks } = await readChatStream(stream);

  // The gateway may ask upstream for usage to count cost, but must not pass it on unasked.
  assert.deepEqual(chunks.filter((chunk) => chunk.usage), []);
});

test('legacy completion', { timeout: testTimeoutMs }, async () => {
  const completion = await client.completions.create({
    model: 'sim-mini',
    prompt: 'The points send the train',
    max_tokens: 10,
  });

  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices.length, 1);
  assert.ok(completion.choices[0].text.length > 0, 'text is empty');
  assert.ok(completion.usage?.completion_tokens > 0, 'usage is missing');
});

test('embeddings as floats', { timeout: testTimeoutMs }, async () => {
  const result = await client.embeddings.create({
    model: 'embed',
    input: ['first input', 'second input'],
    encoding_format: 'float',
  });

  assert.equal(result.object, 'list');
  assert.equal(result.data.length, 2);
  const [first, second] = result.data;
  assert.ok(first.embedding.length > 0, 'the embedding is empty');
  assert.equal(second.embedding.length, first.embedding.length);
  assert.ok(first.embedding.every((value) => Number.isFinite(value)));
});

test('embeddings with SDK default encoding', { timeout: testTimeoutMs }, async () => {
  // Without encoding_format the SDK requests base64 and decodes it to floats itself.
  const asFloats = await client.embeddings.create({
    model: 'sim-embed',
    input: 'same input',
    encoding_format: 'float',
  });
  const decoded = await client.embeddings.create({ model: 'sim-embed', input: 'same input' });

  const expected = asFloats.data[0].embedding;
  const actual = Array.from(decoded.data[0].embedding);
  assert.equal(actual.length, expected.length);
  actual.forEach((value, index) => {
    // base64 carries float32 values, so allow float32 rounding.
    assert.ok(Math.abs(value - expected[index]) < 1e-6, `component ${index}: ${value} != ${expected[index]}`);
  });
});

test('models list', { timeout: testTimeoutMs }, async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    ids.push(model.id);
  }

  for (const expected of ['fast', 'smart', 'embed', 'failover', 'sim-mini', 'sim-large', 'sim-embed']) {
    assert.ok(ids.includes(expected), `${expected} is missing from ${JSON.stringify(ids)}`);
  }
  // The openai provider has no key, so it is disabled and its deployments are not listed.
  for (const disabled of ['gpt-4o-mini', 'text-embedding-3-small']) {
    assert.ok(!ids.includes(disabled), `${disabled} is listed although its provider is disabled`);
  }
});

test('models retrieve route', { timeout: testTimeoutMs }, async () => {
  const model = await client.models.retrieve('fast');

  assert.equal(model.id, 'fast');
  assert.equal(model.object, 'model');
});

test('upstream 400 reaches the client', { timeout: testTimeoutMs }, async () => {
  await assert.rejects(
    client.chat.completions.create(
      { model: 'sim-mini', messages: question, max_tokens: 8 },
      { headers: { 'x-sim-fault': 'status=400' } },
    ),
    (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError, `got ${error?.constructor?.name}: ${error}`);
      assert.equal(error.status, 400);
      assert.ok(error.error, 'the error body is not in the OpenAI error shape');
      return true;
    },
  );
});

test('unknown model is 404', { timeout: testTimeoutMs }, async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: question }),
    (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError, `got ${error?.constructor?.name}: ${error}`);
      assert.equal(error.status, 404);
      return true;
    },
  );
});

test('failover past a refused connection', { timeout: testTimeoutMs }, async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'failover', messages: question, max_tokens: 8 })
    .withResponse();

  assert.ok(data.choices[0].message.content.length > 0, 'content is empty');
  assert.equal(response.headers.get('x-pointsman-route'), 'failover');
  assert.equal(response.headers.get('x-pointsman-deployment'), 'sim-mini-backup');
  assert.equal(response.headers.get('x-pointsman-attempts'), '2');
});

test('streamed failover past a refused connection', { timeout: testTimeoutMs }, async () => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'failover', messages: question, max_tokens: 8, stream: true })
    .withResponse();
  const { text } = await readChatStream(stream);

  assert.ok(text.length > 0, 'the stream carried no content');
  assert.equal(response.headers.get('x-pointsman-deployment'), 'sim-mini-backup');
  assert.equal(response.headers.get('x-pointsman-attempts'), '2');
});
