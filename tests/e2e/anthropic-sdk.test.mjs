// End-to-end tests of the Anthropic side: the official @anthropic-ai/sdk (the version pinned in
// package.json) against the gateway's /v1/messages front door, whichever provider serves the
// route, and the openai SDK against a route that lands on an Anthropic deployment. The
// simulator behind the gateway speaks both APIs, and each test compares the text the SDK
// assembles with the simulator's own response to the same request.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import { startStack } from './harness.mjs';

// Time limits of one test and of one request. The harness limits the start-up on its own.
const testTimeoutMs = 30_000;
const requestTimeoutMs = 15_000;

let stack;
let anthropic;
let openai;

before(async () => {
  stack = await startStack();
  anthropic = new Anthropic({
    // The SDK appends /v1/messages to the base URL.
    baseURL: stack.baseURL.replace(/\/v1$/, ''),
    apiKey: 'client-key-not-checked', // auth: none, but the SDK requires some key
    maxRetries: 0,
    timeout: requestTimeoutMs,
  });
  openai = new OpenAI({
    baseURL: stack.baseURL,
    apiKey: 'client-key-not-checked',
    maxRetries: 0,
    timeout: requestTimeoutMs,
  });
}, { timeout: 60_000 });

after(async () => {
  await stack?.stop();
}, { timeout: 30_000 });

const question = [{ role: 'user', content: 'Name three railway signals.' }];
const weatherQuestion = [{ role: 'user', content: 'What is the weather and the time in Paris?' }];
const anthropicTools = [
  { name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } },
  { name: 'get_time', description: 'Current time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
];

/** POSTs `body` to the simulator itself, bypassing the gateway, and returns the parsed response. */
async function askSimulator(path, body) {
  const response = await fetch(`${stack.simRoot}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'unused', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  assert.equal(response.status, 200, `the simulator answered ${response.status} on ${path}`);
  return response.json();
}

/** Returns the text the simulator's Messages API generates for `model` with `maxTokens`. */
async function simulatedMessageText(model, maxTokens) {
  const message = await askSimulator('/v1/messages', { model, max_tokens: maxTokens, messages: question });
  return message.content.filter((block) => block.type === 'text').map((block) => block.text).join('');
}

/** Returns the text the simulator's chat completions API generates for `model` with `maxTokens`. */
async function simulatedChatText(model, maxTokens) {
  const completion = await askSimulator('/v1/chat/completions', { model, max_tokens: maxTokens, messages: question });
  return completion.choices[0].message.content;
}

/** Reads a raw Messages event stream into its event types, text, stop reason and usage. */
async function readMessagesStream(stream) {
  const types = [];
  let text = '';
  let stopReason = null;
  let usage = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    if (event.type === 'message_delta') {
      stopReason = event.delta.stop_reason;
      usage = event.usage;
    }
  }
  return { types, text, stopReason, usage };
}

for (const { route, deployment, simulated } of [
  { route: 'claude', deployment: 'sim-claude', simulated: () => simulatedMessageText('sim-claude', 12) },
  { route: 'fast', deployment: 'sim-mini', simulated: () => simulatedChatText('sim-mini', 12) },
]) {
  test(`anthropic sdk message from ${deployment}`, { timeout: testTimeoutMs }, async () => {
    const { data, response } = await anthropic.messages
      .create({ model: route, max_tokens: 12, messages: question })
      .withResponse();

    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.content[0].type, 'text');
    assert.equal(data.content[0].text, await simulated());
    assert.equal(data.stop_reason, 'max_tokens');
    assert.equal(data.usage.output_tokens, 12);
    assert.ok(data.usage.input_tokens > 0, 'input_tokens is not positive');
    assert.equal(response.headers.get('x-pointsman-deployment'), deployment);
  });

  test(`anthropic sdk stream from ${deployment}`, { timeout: testTimeoutMs }, async () => {
    const stream = await anthropic.messages.create({ model: route, max_tokens: 12, messages: question, stream: true });
    const { types, text, stopReason, usage } = await readMessagesStream(stream);

    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('content_block_start'), `no content_block_start in ${types}`);
    assert.ok(types.includes('content_block_stop'), `no content_block_stop in ${types}`);
    assert.equal(text, await simulated());
    assert.equal(stopReason, 'max_tokens');
    assert.equal(usage.output_tokens, 12);
  });

  test(`anthropic sdk parallel tool use from ${deployment}`, { timeout: testTimeoutMs }, async () => {
    // The stream helper assembles the input of each tool_use block from its input_json_delta events.
    const message = await anthropic.messages
      .stream({ model: route, max_tokens: 200, messages: weatherQuestion, tools: anthropicTools })
      .finalMessage();

    assert.equal(message.stop_reason, 'tool_use');
    const toolUses = message.content.filter((block) => block.type === 'tool_use');
    assert.ok(toolUses.length >= 1, `no tool_use block in ${JSON.stringify(message.content)}`);
    const ids = new Set(toolUses.map((block) => block.id));
    assert.equal(ids.size, toolUses.length, 'two tool_use blocks share an id');
    for (const block of toolUses) {
      assert.ok(['get_weather', 'get_time'].includes(block.name), `unexpected tool ${block.name}`);
      assert.equal(typeof block.input, 'object', `input of ${block.name} is not an object`);
    }
  });
}

test('anthropic sdk parallel tool calls keep their inputs', { timeout: testTimeoutMs }, async () => {
  // The simulator's Messages API calls both tools, with input fragments that interleave.
  const message = await anthropic.messages
    .stream({ model: 'claude', max_tokens: 200, messages: weatherQuestion, tools: anthropicTools })
    .finalMessage();

  const inputs = Object.fromEntries(
    message.content.filter((block) => block.type === 'tool_use').map((block) => [block.name, block.input]),
  );
  assert.deepEqual(inputs, { get_weather: { location: 'Paris' }, get_time: { tz: 'UTC' } });
});

test('anthropic sdk count tokens', { timeout: testTimeoutMs }, async () => {
  const forwarded = await anthropic.messages.countTokens({ model: 'claude', messages: question }).withResponse();
  const direct = await askSimulator('/v1/messages/count_tokens', { model: 'sim-claude', messages: question });
  assert.equal(forwarded.data.input_tokens, direct.input_tokens);
  assert.equal(forwarded.response.headers.get('x-pointsman-token-count'), null);

  const estimated = await anthropic.messages.countTokens({ model: 'fast', messages: question }).withResponse();
  assert.ok(estimated.data.input_tokens > 0, 'the estimate is not positive');
  assert.equal(estimated.response.headers.get('x-pointsman-token-count'), 'estimate');
});

test('anthropic sdk sees an anthropic-shaped error', { timeout: testTimeoutMs }, async () => {
  await assert.rejects(
    anthropic.messages.create({ model: 'no-such-route', max_tokens: 5, messages: question }),
    (error) => {
      assert.ok(error instanceof Anthropic.NotFoundError, `expected NotFoundError, got ${error}`);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'not_found_error');
      return true;
    },
  );
});

test('openai sdk stream from an anthropic deployment', { timeout: testTimeoutMs }, async () => {
  const stream = await openai.chat.completions.create({
    model: 'claude',
    max_tokens: 12,
    messages: question,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  const finishReasons = [];
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
    if (chunk.usage) usage = chunk.usage;
  }

  assert.equal(text, await simulatedMessageText('sim-claude', 12));
  assert.deepEqual(finishReasons, ['length']);
  assert.ok(usage, 'the usage chunk is missing');
  assert.equal(usage.completion_tokens, 12);
});

test('openai sdk parallel tool calls from an anthropic deployment', { timeout: testTimeoutMs }, async () => {
  const stream = await openai.chat.completions.create({
    model: 'claude',
    messages: weatherQuestion,
    stream: true,
    tools: anthropicTools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
    })),
  });
  // Assemble the calls the way an SDK user does: by the index of each tool-call delta.
  const calls = new Map();
  let finishReason = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finishReason = choice.finish_reason;
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
      calls.set(delta.index, call);
    }
  }

  assert.equal(finishReason, 'tool_calls');
  assert.deepEqual([...calls.keys()].sort(), [0, 1]);
  assert.equal(calls.get(0).name, 'get_weather');
  assert.equal(calls.get(1).name, 'get_time');
  assert.notEqual(calls.get(0).id, calls.get(1).id);
  assert.deepEqual(JSON.parse(calls.get(0).arguments), { location: 'Paris' });
  assert.deepEqual(JSON.parse(calls.get(1).arguments), { tz: 'UTC' });
});

test('openai sdk completion from an anthropic deployment', { timeout: testTimeoutMs }, async () => {
  const { data, response } = await openai.chat.completions
    .create({ model: 'claude', max_tokens: 12, messages: question })
    .withResponse();

  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0].message.content, await simulatedMessageText('sim-claude', 12));
  assert.equal(data.choices[0].finish_reason, 'length');
  assert.equal(data.usage.completion_tokens, 12);
  assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
  assert.equal(response.headers.get('x-pointsman-deployment'), 'sim-claude');
});
